namespace Runtime.Cluster;

/// <summary>
/// The silo that received a call does not serve the grain's partition (any more): nothing ran, and the caller
/// should look up the owner again. Never reaches application code; routing turns it into a retry.
/// </summary>
internal sealed class PartitionMovedException(GrainId grainId, int partition)
    : Exception($"Partition {partition} of grain {grainId} is not served by this silo.")
{
    public int Partition { get; } = partition;
}
