using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Runtime.Cluster;

namespace WebFrontend.Hosting;

/// <summary>Ready when the database answers and at least one silo of the cluster is active.</summary>
public sealed class ClusterHealthCheck(NpgsqlDataSource dataSource, ClusterConnection connection) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("The database is unreachable.", exception);
        }

        if (!connection.IsConnected)
        {
            return HealthCheckResult.Unhealthy("Not connected to the silo cluster yet.");
        }

        var silos = await connection.GetSilosAsync(cancellationToken);
        return silos.Any(s => s.Status == SiloStatus.Active)
            ? HealthCheckResult.Healthy($"{silos.Count(s => s.Status == SiloStatus.Active)} active silos.")
            : HealthCheckResult.Unhealthy("No active silo.");
    }
}

/// <summary>Ready once the in-process silo is serving.</summary>
public sealed class SiloHealthCheck(IClusterStatus status) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => (await status.GetSilosAsync(cancellationToken)).Any(s => s.Status == SiloStatus.Active)
            ? HealthCheckResult.Healthy("The in-process silo is serving.")
            : HealthCheckResult.Unhealthy("The in-process silo is not serving.");
}
