using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Runtime.Cluster;
using WebFrontend.Auth;
using WebFrontend.Http;

namespace WebFrontend.Features.Operations;

public static class OperationsEndpoints
{
    /// <summary>Liveness (the process answers) and readiness (database and silos reachable).</summary>
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
    }

    public static void MapClusterEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/cluster", GetClusterAsync).RequirePermission(Permissions.ClusterRead).WithTags("Operations").Produces<ClusterResponse>();
    }

    private static async Task<IResult> GetClusterAsync(IClusterStatus status, CancellationToken cancellationToken)
    {
        var silos = await status.GetSilosAsync(cancellationToken);
        var response = new ClusterResponse(
            [.. silos.Select(s => new SiloResponse(
                s.SiloId, s.Name, s.Endpoint, s.Status.ToString().ToUpperInvariant(), s.StartedAt.UtcDateTime, s.HeartbeatAt.UtcDateTime, s.OwnedPartitions, s.ActivationsByGrainType))],
            silos.Sum(s => s.OwnedPartitions),
            silos.Sum(s => s.ActivationsByGrainType.Values.Sum()));
        return TypedResults.Json(response, ApiJson.Context.ClusterResponse);
    }
}
