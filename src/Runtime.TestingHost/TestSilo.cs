using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Runtime.Activation;

namespace Runtime.TestingHost;

/// <summary>One silo of a <see cref="TestCluster"/>, with its own host and services.</summary>
public sealed class TestSilo
{
    internal TestSilo(string name, IHost host)
    {
        Name = name;
        Host = host;
    }

    public string Name { get; }

    public IHost Host { get; }

    public IServiceProvider Services => Host.Services;

    public IGrainFactory GrainFactory => Services.GetRequiredService<IGrainFactory>();

    public bool IsRunning { get; internal set; }

    /// <summary>Activations currently in this silo's catalog.</summary>
    public int ActivationCount => Services.GetRequiredService<Catalog>().Count;

    public override string ToString() => Name;
}
