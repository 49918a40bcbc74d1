namespace WebFrontend.Features.Operations;

public sealed record ClusterResponse(IReadOnlyList<SiloResponse> Silos, int TotalPartitions, long TotalActivations);

public sealed record SiloResponse(
    string SiloId,
    string Name,
    string Endpoint,
    string Status,
    DateTime StartedAt,
    DateTime HeartbeatAt,
    int OwnedPartitions,
    IReadOnlyDictionary<string, long> ActivationsByGrainType);
