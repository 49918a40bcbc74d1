using WebFrontend.Auth;
using WebFrontend.Http;

namespace WebFrontend.Features.Operations;

public static class OperationsEndpoints
{
    public static void MapClusterEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/cluster", GetClusterAsync).RequirePermission(Permissions.ClusterRead).WithTags("Operations").Produces<ClusterResponse>()
            .WithName("getCluster").WithSummary("Show the silo cluster")
            .WithDescription("Orleans' view through its management grain: every silo in the membership table with its status and its activations "
                + "by grain type.");
    }

    private static async Task<IResult> GetClusterAsync(IGrainFactory grains)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: false);
        var statistics = await management.GetSimpleGrainStatistics();
        var activations = statistics.ToLookup(s => s.SiloAddress);
        var silos = hosts
            .OrderBy(h => h.StartTime)
            .Select(h => new SiloResponse(
                h.SiloAddress.ToParsableString(),
                h.SiloName,
                h.Status.ToString().ToUpperInvariant(),
                h.ProxyPort,
                h.StartTime,
                h.IAmAliveTime,
                activations[h.SiloAddress].GroupBy(s => s.GrainType).ToDictionary(g => g.Key, g => g.Sum(s => s.ActivationCount), StringComparer.Ordinal)))
            .ToList();
        return TypedResults.Json(new ClusterResponse(silos, statistics.Sum(s => (long)s.ActivationCount)), ApiJson.Context.ClusterResponse);
    }
}
