using CustomerNotifications;
using Messaging.RabbitMq;

namespace Notifications.Hosting;

/// <summary>
/// What the worker cannot run without, checked before anything starts so the message names the setting: a broker to
/// consume from, and a database for its inbox (in memory, every restart would mail every redelivered event again).
/// </summary>
public static class WorkerSettings
{
    public static IReadOnlyList<string> Problems(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>();
        var uri = configuration[$"{RabbitMqOptions.SectionName}:{nameof(RabbitMqOptions.Uri)}"];
        if (string.IsNullOrWhiteSpace(uri))
        {
            problems.Add("RabbitMq:Uri is not set (RabbitMq__Uri=amqp://user:password@host:5672/vhost): the worker consumes the events from RabbitMQ.");
        }
        else if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("amqp" or "amqps"))
        {
            problems.Add("RabbitMq:Uri is not an amqp:// or amqps:// URI.");
        }

        if (string.IsNullOrWhiteSpace(configuration.GetConnectionString(NotificationsServiceCollectionExtensions.ConnectionStringName)))
        {
            problems.Add("ConnectionStrings:Notifications is not set (ConnectionStrings__Notifications=Host=…;Database=notifications): the worker keeps its inbox of handled events there.");
        }

        return problems;
    }
}
