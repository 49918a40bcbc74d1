namespace Runtime.Cluster;

/// <summary>Settings of a silo's cluster membership, placement and transport, bound from the "Cluster" section.</summary>
public sealed class ClusterOptions
{
    public const string SectionName = "Cluster";

    /// <summary>Address the silo's grain transport listens on.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>Port of the grain transport (HTTP/2 cleartext); 0 picks a free one.</summary>
    public int Port { get; set; } = 11111;

    /// <summary>Host other silos and clients use to reach this one; defaults to <see cref="ListenAddress"/>.</summary>
    public string? AdvertisedHost { get; set; }

    /// <summary>How often the silo writes its heartbeat.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A silo whose heartbeat is older than this (by the database clock) is dead.</summary>
    public TimeSpan SiloDeadAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long dead silos stay in the membership table, for the record.</summary>
    public TimeSpan DeadSiloRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A partition lease; a killed silo's partitions are taken over within about this long.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often leases are renewed and the assignment rebalanced.</summary>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How much earlier than the lease's end the silo stops serving a partition, covering clock-rate drift and a
    /// paused process: a silo never serves a partition whose lease could have expired in the database.
    /// </summary>
    public TimeSpan FencingMargin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a client or silo re-reads the partition map when nothing prompts it.</summary>
    public TimeSpan MapRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a caller waits for a call to another silo before it gets a <see cref="TimeoutException"/>.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a call keeps retrying to find its grain's owner before <see cref="GrainUnavailableException"/>.</summary>
    public TimeSpan RoutingTimeout { get; set; } = TimeSpan.FromSeconds(20);
}
