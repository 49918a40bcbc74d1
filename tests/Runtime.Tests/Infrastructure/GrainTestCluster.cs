using Microsoft.Extensions.DependencyInjection;
using Runtime.Hosting;
using Runtime.TestingHost;

namespace Runtime.Tests.Infrastructure;

/// <summary>A <see cref="TestCluster"/> hosting this assembly's test grains, with a <see cref="GrainProbe"/> shared with them.</summary>
public sealed class GrainTestCluster : IAsyncDisposable
{
    private GrainTestCluster(TestCluster cluster, GrainProbe probe, string? connectionString)
    {
        Cluster = cluster;
        Probe = probe;
        ConnectionString = connectionString;
    }

    public TestCluster Cluster { get; }

    public GrainProbe Probe { get; }

    /// <summary>The database of this cluster, when it runs on PostgreSQL.</summary>
    public string? ConnectionString { get; }

    public IGrainFactory Grains => Cluster.GrainFactory;

    public static async Task<GrainTestCluster> StartAsync(
        bool postgres = false,
        TimeProvider? timeProvider = null,
        Action<SiloOptions>? configureSilo = null,
        Action<IServiceCollection>? configureServices = null,
        int silos = 1)
    {
        var probe = new GrainProbe();
        var connectionString = postgres ? await SharedPostgres.CreateDatabaseAsync() : null;
        var options = new TestClusterOptions
        {
            InitialSiloCount = silos,
            PostgresConnectionString = connectionString,
            TimeProvider = timeProvider ?? TimeProvider.System,
            ConfigureSilo = configureSilo,
            ConfigureServices = services =>
            {
                services.AddSingleton(probe);
                configureServices?.Invoke(services);
            },
        };
        options.GrainAssemblies.Add(typeof(GrainTestCluster).Assembly);
        return new GrainTestCluster(await TestCluster.StartAsync(options), probe, connectionString);
    }

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
