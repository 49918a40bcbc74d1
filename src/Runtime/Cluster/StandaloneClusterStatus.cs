using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Runtime.Diagnostics;
using Runtime.Hosting;
using Runtime.Partitioning;

namespace Runtime.Cluster;

/// <summary>The status of a silo running alone (no cluster tables): itself, serving every partition.</summary>
internal sealed class StandaloneClusterStatus(IOptions<SiloOptions> options, PartitionFunction partitions, RuntimeMetrics metrics, TimeProvider time) : IClusterStatus
{
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();

    public Task<IReadOnlyList<SiloReport>> GetSilosAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        IReadOnlyList<SiloReport> silos =
        [
            new SiloReport(options.Value.Name, options.Value.Name, "in-process", SiloStatus.Active, _startedAt, now, partitions.PartitionCount, metrics.ActivationCounts()),
        ];
        return Task.FromResult(silos);
    }
}
