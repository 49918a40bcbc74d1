namespace Runtime.Partitioning;

/// <summary>Which partitions this silo may serve right now. Checked on every call before a grain is touched.</summary>
internal interface IPartitionOwnership
{
    /// <summary>True when this silo serves every partition (a standalone silo), so checks can be skipped.</summary>
    bool ServesAll { get; }

    bool IsServing(int partition);

    /// <summary>The partitions served now; null when <see cref="ServesAll"/>.</summary>
    IReadOnlyCollection<int>? ServedPartitions { get; }

    /// <summary>The fencing token for state writes of a partition's grains; null when there are no leases to check.</summary>
    Storage.StorageFence? FenceFor(int partition);
}

/// <summary>A silo that is the whole cluster: it serves every partition.</summary>
internal sealed class StandaloneOwnership : IPartitionOwnership
{
    public bool ServesAll => true;

    public bool IsServing(int partition) => true;

    public IReadOnlyCollection<int>? ServedPartitions => null;

    public Storage.StorageFence? FenceFor(int partition) => null;
}
