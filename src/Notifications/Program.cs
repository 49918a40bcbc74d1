using CustomerNotifications;
using Messaging.RabbitMq;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Notifications.Hosting;
using Npgsql;

// The notifications worker: events from RabbitMQ (queue RabbitMq:Consumer:Queue, bound to the event types) are handed
// to the customer notifications, which mail the customer or the refund desk once per event (inbox in
// ConnectionStrings:Notifications). HTTP only for health: /health/live, /health/ready.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Logging.ClearProviders();
builder.Logging.AddJsonConsole(options => options.IncludeScopes = true);

if (WorkerSettings.Problems(builder.Configuration) is { Count: > 0 } problems)
{
    await Console.Error.WriteLineAsync("notifications cannot start: " + string.Join(" ", problems));
    return 1;
}

try
{
    // First: its inbox migration runs while the host starts, before the consumer (registered next) takes an event.
    builder.Services.AddCustomerNotifications(builder.Configuration);
}
catch (InvalidOperationException exception)
{
    await Console.Error.WriteLineAsync("notifications cannot start: " + exception.Message);
    return 1;
}

builder.Services.AddRabbitMqEventConsumer();
builder.Services.AddHealthChecks()
    .AddCheck<BrokerHealthCheck>("broker", tags: ["ready"])
    .AddCheck<InboxDatabaseHealthCheck>("inbox-database", tags: ["ready"]);

// Observability: metrics and traces go here. The worker's own meter is NotificationMetrics.MeterName
// ("Commerce.Notifications"); export it (and the /metrics endpoint) the way the other processes do once their
// OpenTelemetry wiring lands.

var app = builder.Build();
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });

try
{
    await app.StartAsync();
}
catch (Exception exception) when (StartupFailures.Settings(exception) is { Count: > 0 } failures)
{
    await Console.Error.WriteLineAsync("notifications cannot start: " + string.Join(" ", failures));
    return 1;
}
catch (NpgsqlException exception)
{
    await Console.Error.WriteLineAsync("notifications cannot start: the inbox database (ConnectionStrings:Notifications) could not be migrated: " + exception.Message);
    return 1;
}

await app.WaitForShutdownAsync();
return 0;
