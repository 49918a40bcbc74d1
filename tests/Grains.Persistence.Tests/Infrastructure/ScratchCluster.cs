using Commerce.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService;

namespace Grains.Persistence.Tests.Infrastructure;

/// <summary>
/// A cluster id nobody runs, in the silo's database: Orleans' ADO.NET membership table configured as the silo's own
/// (same connection, same invariant), so the tests drive the membership protocol's writes without disturbing the live
/// cluster.
/// </summary>
public sealed class ScratchCluster(IServiceProvider silo)
{
    public string Id { get; } = $"scratch-{Guid.NewGuid():N}";

    /// <summary>The membership table as one silo of this cluster holds it (each silo has its own instance).</summary>
    public AdoNetClusteringTable Table()
        => new(silo,
            Options.Create(new ClusterOptions { ClusterId = Id, ServiceId = InProcessSilo.ClusterId }),
            silo.GetRequiredService<IOptions<AdoNetClusteringSiloOptions>>(),
            NullLogger<AdoNetClusteringTable>.Instance);

    /// <summary>A table initialized as a starting silo does it (which creates the cluster's version row if missing).</summary>
    public async Task<AdoNetClusteringTable> InitializedTableAsync()
    {
        var table = Table();
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        return table;
    }
}
