using Microsoft.Extensions.DependencyInjection;
using Runtime.Cluster;
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

    /// <summary>
    /// Cluster timings scaled down for tests: a killed silo's partitions are taken over within about three seconds.
    /// </summary>
    public static void FastCluster(ClusterOptions options)
    {
        options.LeaseDuration = TimeSpan.FromSeconds(3);
        options.LeaseRenewInterval = TimeSpan.FromMilliseconds(500);
        options.FencingMargin = TimeSpan.FromSeconds(1);
        options.HeartbeatInterval = TimeSpan.FromMilliseconds(500);
        options.SiloDeadAfter = TimeSpan.FromSeconds(2);
        options.MapRefreshInterval = TimeSpan.FromMilliseconds(500);
        options.RoutingTimeout = TimeSpan.FromSeconds(20);
        options.CallTimeout = TimeSpan.FromSeconds(15);
    }

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
            ConfigureCluster = FastCluster,
            ConfigureServices = services =>
            {
                services.AddSingleton(probe);
                configureServices?.Invoke(services);
            },
        };
        options.GrainAssemblies.Add(typeof(GrainTestCluster).Assembly);
        var cluster = await TestCluster.StartAsync(options);
        if (connectionString is not null && silos > 1)
        {
            // Silos starting together first claim whatever they see; start tests from the settled placement.
            await using var observer = await ClusterObserver.StartAsync(connectionString);
            await observer.WaitUntilBalancedAsync(cluster.Silos.Select(s => s.SiloId!), GrainProbe.WaitLimit);
        }

        return new GrainTestCluster(cluster, probe, connectionString);
    }

    public ValueTask DisposeAsync()
    {
        Probe.OpenAllGates();
        return Cluster.DisposeAsync();
    }
}
