using CustomerNotifications.Inbox;
using Messaging.RabbitMq;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Notifications.Hosting;

/// <summary>Ready while the consumer is connected to the broker and consuming.</summary>
public sealed class BrokerHealthCheck(RabbitMqConsumerStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(status.IsConsuming ? HealthCheckResult.Healthy("Consuming.") : HealthCheckResult.Unhealthy("Not connected to the broker."));
}

/// <summary>Ready while the inbox database answers.</summary>
public sealed class InboxDatabaseHealthCheck(NotificationsDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = database.DataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("The inbox database is unreachable.", exception);
        }
    }
}
