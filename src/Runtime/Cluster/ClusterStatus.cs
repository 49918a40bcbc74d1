using System.Collections.Immutable;
using System.Text.Json;
using Runtime.Hosting;

namespace Runtime.Cluster;

/// <summary>One silo as the cluster sees it: membership, partitions held, and activations it reported with its last heartbeat.</summary>
public sealed record SiloReport(
    string SiloId,
    string Name,
    string Endpoint,
    SiloStatus Status,
    DateTimeOffset StartedAt,
    DateTimeOffset HeartbeatAt,
    int OwnedPartitions,
    ImmutableDictionary<string, long> ActivationsByGrainType);

/// <summary>What operators see of the cluster (the front end serves it as <c>/api/v1/cluster</c>).</summary>
public interface IClusterStatus
{
    Task<IReadOnlyList<SiloReport>> GetSilosAsync(CancellationToken cancellationToken);
}

/// <summary>Reads the cluster status from the membership and lease tables; usable from any silo or client.</summary>
internal sealed class ClusterStatusReader(ClusterTable table) : IClusterStatus
{
    public Task<IReadOnlyList<SiloReport>> GetSilosAsync(CancellationToken cancellationToken) => table.ReadSiloReportsAsync(cancellationToken);
}

/// <summary>What a silo reports with each heartbeat.</summary>
internal sealed record SiloStats(ImmutableDictionary<string, long> Activations)
{
    public static SiloStats Empty { get; } = new(ImmutableDictionary<string, long>.Empty);
}

internal static class ClusterJson
{
    public static JsonSerializerOptions Options => RuntimeJson.DefaultOptions;
}
