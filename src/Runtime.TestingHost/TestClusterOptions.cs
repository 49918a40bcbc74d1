using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Runtime.Hosting;

namespace Runtime.TestingHost;

/// <summary>How a <see cref="TestCluster"/> builds its silos.</summary>
public sealed class TestClusterOptions
{
    public int InitialSiloCount { get; set; } = 1;

    /// <summary>The clock every silo uses; a <see cref="ManualTimeProvider"/> lets a test step time.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Null: in-memory storage shared by the cluster's silos (and so surviving their restarts).</summary>
    public string? PostgresConnectionString { get; set; }

    public IList<Assembly> GrainAssemblies { get; } = [];

    public Action<SiloOptions>? ConfigureSilo { get; set; }

    /// <summary>Extra services for each silo, such as a test probe that grains take in their constructor.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }
}
