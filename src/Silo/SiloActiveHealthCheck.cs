using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace Silo;

/// <summary>Ready once this silo is Active in the cluster's membership, as it sees it itself: it serves grains.</summary>
internal sealed class SiloActiveHealthCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"This silo is {status} in the cluster's membership."));
    }
}
