using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Runtime.Cluster;
using Runtime.Reminders;
using Runtime.Schema;
using Runtime.Storage;

namespace Runtime.Hosting;

/// <summary>Configures the silo added by <see cref="SiloServiceCollectionExtensions.AddSilo"/>.</summary>
public sealed class SiloBuilder
{
    /// <summary>A silo's connection pool size unless its connection string sets one.</summary>
    public const int DefaultMaxPoolSize = 40;

    private const int NpgsqlDefaultMaxPoolSize = 100;

    internal SiloBuilder(IServiceCollection services) => Services = services;

    public IServiceCollection Services { get; }

    /// <summary>Whether <see cref="UsePostgres"/> was chosen, so components can add their own tables and stores.</summary>
    public bool UsesPostgres { get; private set; }

    /// <summary>Hosts every grain class found in <paramref name="assembly"/>.</summary>
    public SiloBuilder AddGrains(Assembly assembly)
    {
        Services.AddSingleton(new GrainAssembly(assembly));
        return this;
    }

    public SiloBuilder Configure(Action<SiloOptions> configure)
    {
        Services.Configure(configure);
        return this;
    }

    /// <summary>Keeps state and reminders in memory: nothing survives the process. Pass instances to share them across silo restarts.</summary>
    public SiloBuilder UseInMemoryStorage(InMemoryGrainStorage? grainStorage = null, InMemoryReminderTable? reminderTable = null)
    {
        Services.RemoveAllKeyed(typeof(IGrainStorage), GrainStorageNames.Default);
        Services.AddKeyedSingleton<IGrainStorage>(GrainStorageNames.Default, grainStorage ?? new InMemoryGrainStorage());
        Services.Replace(ServiceDescriptor.Singleton<IReminderTable>(reminderTable ?? new InMemoryReminderTable()));
        Services.Replace(ServiceDescriptor.Singleton(new StorageDescription("in-memory", IsDurable: false)));
        UsesPostgres = false;
        return this;
    }

    /// <summary>
    /// Keeps state and reminders in PostgreSQL, migrates its schema at start, and makes the silo a member of the
    /// cluster that PostgreSQL coordinates (membership, partition leases, the grain transport on Cluster:Port).
    /// </summary>
    public SiloBuilder UsePostgres(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        Services.Replace(ServiceDescriptor.Singleton(_ => CreateDataSource(connectionString)));
        Services.RemoveAllKeyed(typeof(IGrainStorage), GrainStorageNames.Default);
        Services.AddKeyedSingleton<IGrainStorage>(GrainStorageNames.Default, (sp, _) => new PostgresGrainStorage(sp.GetRequiredService<NpgsqlDataSource>()));
        Services.Replace(ServiceDescriptor.Singleton<IReminderTable>(sp => new PostgresReminderTable(sp.GetRequiredService<NpgsqlDataSource>())));
        Services.TryAddSingleton<SchemaMigrator>();
        Services.Replace(ServiceDescriptor.Singleton(new StorageDescription("PostgreSQL", IsDurable: true)));
        Services.AddClusterMembership();
        UsesPostgres = true;
        return this;
    }

    /// <summary>
    /// The runtime sends the same few statements all the time (state writes with their lease check, reads, lease
    /// renewals); unless the connection string says otherwise, Npgsql prepares them on each connection after a couple
    /// of uses, so PostgreSQL parses and plans each once per connection instead of once per call. Group commit keeps
    /// the connections a silo needs few, so unless the connection string sets another pool size, a silo holds at
    /// most <see cref="DefaultMaxPoolSize"/>: a cluster of several silos then stays within PostgreSQL's connection limit.
    /// </summary>
    private static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 32;
        }

        if (builder.ConnectionStringBuilder.MaxPoolSize == NpgsqlDefaultMaxPoolSize)
        {
            builder.ConnectionStringBuilder.MaxPoolSize = DefaultMaxPoolSize;
        }

        return builder.Build();
    }

    /// <summary>Adds a component's migrations; they apply after the runtime's own.</summary>
    public SiloBuilder AddMigrations(MigrationSet migrations)
    {
        Services.AddSingleton(migrations);
        return this;
    }
}
