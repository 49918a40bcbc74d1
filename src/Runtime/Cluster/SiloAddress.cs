namespace Runtime.Cluster;

/// <summary>A silo as other silos and clients see it: its unique member id and where its transport listens.</summary>
public sealed record SiloAddress(string SiloId, string Endpoint)
{
    public override string ToString() => $"{SiloId}@{Endpoint}";
}

public enum SiloStatus
{
    Joining,
    Active,
    ShuttingDown,
    Dead,
}
