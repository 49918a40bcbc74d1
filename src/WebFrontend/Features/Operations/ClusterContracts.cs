namespace WebFrontend.Features.Operations;

/// <summary>The cluster as Orleans' management grain sees it: every silo in the membership table, and what it hosts.</summary>
public sealed record ClusterResponse(IReadOnlyList<SiloResponse> Silos, long TotalActivations);

/// <param name="Status">Orleans' membership status in capitals: ACTIVE, JOINING, SHUTTINGDOWN, DEAD, ….</param>
public sealed record SiloResponse(
    string SiloAddress,
    string Name,
    string Status,
    int GatewayPort,
    DateTime StartedAt,
    DateTime IAmAliveAt,
    IReadOnlyDictionary<string, int> ActivationsByGrainType);
