using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Runtime.Activation;
using Runtime.Cluster;
using Runtime.Contracts;
using Runtime.Metadata;
using Runtime.Reminders;
using Runtime.Schema;

namespace Runtime.Hosting;

/// <summary>
/// The silo's life cycle. Start: check grain contracts, migrate the schema, then take calls and fire reminders.
/// Stop: stop firing reminders, stop taking calls, let running calls finish, flush state, deactivate everything.
/// </summary>
internal sealed partial class Silo(
    IServiceProvider services,
    IOptions<SiloOptions> options,
    GrainTypeRegistry registry,
    Catalog catalog,
    ActivationCollector collector,
    ReminderService reminders,
    ILogger<Silo> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var storage = services.GetService<StorageDescription>()
            ?? throw new InvalidOperationException("The silo has no storage: call UseInMemoryStorage() or UsePostgres(connectionString) on the silo builder.");
        if (storage.IsDurable)
        {
            LogStorage(logger, storage.Name);
        }
        else
        {
            LogNotDurable(logger, storage.Name);
        }

        var violations = GrainContractValidator.Validate(registry.Classes.Select(c => c.Interface.InterfaceType));
        if (violations.Count > 0)
        {
            throw new InvalidOperationException($"Grain interfaces break the contract rules:{Environment.NewLine}{string.Join(Environment.NewLine, violations)}");
        }

        if (services.GetService<SchemaMigrator>() is { } migrator)
        {
            await migrator.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        if (Member is { } member)
        {
            await member.JoinAsync(cancellationToken).ConfigureAwait(false);
        }

        catalog.Start();
        collector.Start();
        if (Member is { } joined)
        {
            await joined.BecomeActiveAsync(cancellationToken).ConfigureAwait(false);
        }

        reminders.Start();
        LogStarted(logger, options.Value.Name, registry.Classes.Count());
    }

    /// <summary>SIGTERM: leave the cluster without failing a call (callers are redirected and retry), flush everything.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        LogStopping(logger, options.Value.Name, catalog.Count);
        if (Member is { } member)
        {
            await member.BeginLeavingAsync(cancellationToken).ConfigureAwait(false);
        }

        await reminders.StopAsync(cancellationToken).ConfigureAwait(false);
        await catalog.StopAsync(cancellationToken).ConfigureAwait(false);
        if (Member is { } leaving)
        {
            await leaving.CompleteLeavingAsync(cancellationToken).ConfigureAwait(false);
        }

        await collector.StopAsync().ConfigureAwait(false);
        LogStopped(logger, options.Value.Name);
    }

    /// <summary>Stops everything at once, flushing and releasing nothing: what kill -9 does to a silo process.</summary>
    public async Task KillAsync()
    {
        catalog.Halt();
        reminders.Kill();
        if (Member is { } member)
        {
            await member.KillAsync().ConfigureAwait(false);
        }

        await collector.StopAsync().ConfigureAwait(false);
    }

    /// <summary>The cluster membership of this silo; null for a standalone (in-memory) silo.</summary>
    public ClusterMember? Member => services.GetService<ClusterMember>();

    [LoggerMessage(50, LogLevel.Information, "Silo storage: {Storage}.")]
    private static partial void LogStorage(ILogger logger, string storage);

    [LoggerMessage(51, LogLevel.Warning, "Silo storage: {Storage}. Nothing is durable: all grain state and reminders are lost when this process exits. Set ConnectionStrings__Postgres to keep them.")]
    private static partial void LogNotDurable(ILogger logger, string storage);

    [LoggerMessage(52, LogLevel.Information, "Silo {SiloName} started with {GrainClassCount} grain classes.")]
    private static partial void LogStarted(ILogger logger, string siloName, int grainClassCount);

    [LoggerMessage(53, LogLevel.Information, "Silo {SiloName} stopping: deactivating {ActivationCount} activations.")]
    private static partial void LogStopping(ILogger logger, string siloName, int activationCount);

    [LoggerMessage(54, LogLevel.Information, "Silo {SiloName} stopped.")]
    private static partial void LogStopped(ILogger logger, string siloName);
}
