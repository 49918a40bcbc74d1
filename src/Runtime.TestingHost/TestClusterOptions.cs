using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Runtime.Cluster;
using Runtime.Hosting;

namespace Runtime.TestingHost;

/// <summary>How a <see cref="TestCluster"/> builds its silos.</summary>
public sealed class TestClusterOptions
{
    public int InitialSiloCount { get; set; } = 1;

    /// <summary>The clock every silo's grains use; a <see cref="ManualTimeProvider"/> lets a test step time. Leases always use real time.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Null: standalone silos sharing one in-memory store (state and reminders survive their restarts, but they do
    /// not form a cluster). Set: the silos form a real cluster on this database, each with its own transport port.
    /// </summary>
    public string? PostgresConnectionString { get; set; }

    public IList<Assembly> GrainAssemblies { get; } = [];

    public Action<SiloOptions>? ConfigureSilo { get; set; }

    /// <summary>Cluster settings for silos and the test's client (the transport port is always picked freely).</summary>
    public Action<ClusterOptions>? ConfigureCluster { get; set; }

    /// <summary>Configures each silo after its storage is chosen, as a component's own silo extension expects.</summary>
    public Action<SiloBuilder>? ConfigureSiloBuilder { get; set; }

    /// <summary>Extra services for each silo, such as a test probe that grains take in their constructor.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }
}
