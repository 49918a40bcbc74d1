using CustomerNotifications;
using Messaging.RabbitMq;
using Notifications.Hosting;
using Npgsql;
using ServiceDefaults;

// The notifications worker: events from RabbitMQ (queue RabbitMq:Consumer:Queue, bound to the event types) are handed
// to the customer notifications, which mail the customer or the refund desk once per event (inbox in
// ConnectionStrings:Notifications). HTTP only for operations: /health/live, /health/ready, /metrics.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddCommerceTelemetry("notifications");

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
    .AddCheck<BrokerHealthCheck>("broker", tags: [OperationalEndpoints.ReadyTag])
    .AddCheck<InboxDatabaseHealthCheck>("inbox-database", tags: [OperationalEndpoints.ReadyTag]);

var app = builder.Build();
app.MapCommerceOperationalEndpoints();

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
