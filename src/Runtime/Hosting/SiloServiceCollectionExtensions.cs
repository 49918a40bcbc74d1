using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Runtime.Activation;
using Runtime.Cluster;
using Runtime.Diagnostics;
using Runtime.Invocation;
using Runtime.Metadata;
using Runtime.Partitioning;
using Runtime.Reminders;
using Runtime.Schema;

namespace Runtime.Hosting;

public static class SiloServiceCollectionExtensions
{
    /// <summary>
    /// Adds a silo to the host: it starts with the host (migrating the schema when storage is PostgreSQL) and on
    /// shutdown finishes running calls, flushes state and deactivates every grain. Choose storage on the returned builder.
    /// </summary>
    public static SiloBuilder AddSilo(this IServiceCollection services, Action<SiloOptions>? configure = null)
    {
        services.AddOptions<SiloOptions>()
            .Validate(o => o.PartitionCount is >= 1 and <= 65_536, "Silo:PartitionCount must be between 1 and 65536.")
            .Validate(o => o.CallTimeout > TimeSpan.Zero && o.ActivationTimeout > TimeSpan.Zero && o.DeactivationTimeout > TimeSpan.Zero, "Silo timeouts must be positive.")
            .Validate(o => o.CollectionQuantum > TimeSpan.Zero && o.DefaultCollectionAge > TimeSpan.Zero, "Silo:CollectionQuantum and Silo:DefaultCollectionAge must be positive.")
            .Validate(o => o.MinimumReminderPeriod > TimeSpan.Zero && o.ReminderPollInterval > TimeSpan.Zero, "Silo:MinimumReminderPeriod and Silo:ReminderPollInterval must be positive.")
            .ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddLogging();
        services.AddSingleton(MigrationSet.Runtime);
        services.AddSingleton(sp => new GrainTypeRegistry(
            sp.GetServices<GrainAssembly>().Select(a => a.Assembly),
            sp.GetRequiredService<IOptions<SiloOptions>>().Value.DefaultCollectionAge));
        services.AddSingleton(sp => new PartitionFunction(sp.GetRequiredService<IOptions<SiloOptions>>().Value.PartitionCount));
        services.AddSingleton<RuntimeMetrics>();
        services.AddSingleton<GrainActivator>();
        services.AddSingleton<ReminderSchedule>();
        services.AddSingleton<ReminderRegistry>();
        services.AddSingleton<Catalog>();
        services.AddSingleton<ReminderService>();
        services.AddSingleton<ActivationCollector>();

        // Standalone until storage says otherwise: this silo serves every partition and calls stay in process.
        // UsePostgres makes it a cluster member, replacing both.
        services.TryAddSingleton<IPartitionOwnership, StandaloneOwnership>();
        services.TryAddSingleton<IGrainCallInvoker>(sp => sp.GetRequiredService<Catalog>());
        services.TryAddSingleton<IClusterStatus, StandaloneClusterStatus>();
        services.AddSingleton<IGrainFactory>(sp => new GrainFactory(sp.GetRequiredService<IGrainCallInvoker>(), sp.GetRequiredService<PartitionFunction>()));
        services.AddSingleton(sp => new Lazy<IGrainFactory>(sp.GetRequiredService<IGrainFactory>));
        services.AddSingleton<Silo>();
        services.AddHostedService(sp => sp.GetRequiredService<Silo>());
        return new SiloBuilder(services);
    }
}
