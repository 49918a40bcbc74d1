using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using WebFrontend.Http;

namespace WebFrontend.Hosting;

/// <summary>Ready when the database answers (cluster mode: lists read it directly).</summary>
public sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("The database is unreachable.", exception);
        }
    }
}

/// <summary>Ready when at least one silo is active, as Orleans' management grain sees the cluster.</summary>
public sealed class ClusterHealthCheck(IGrainFactory grains, IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<ClusterConnection>() is { } connection && (!connection.IsConnected || connection.ConnectedGateways == 0))
        {
            return HealthCheckResult.Unhealthy("Not connected to any gateway of the silo cluster.");
        }

        try
        {
            var active = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(cancellationToken);
            return active.Count > 0 ? HealthCheckResult.Healthy($"{active.Count} active silos.") : HealthCheckResult.Unhealthy("No active silo.");
        }
        catch (Exception exception) when (GrainExceptionHandler.IsUnavailable(exception))
        {
            return HealthCheckResult.Unhealthy("The cluster did not answer.", exception);
        }
    }
}
