using System.Globalization;

namespace Commerce.Testing;

/// <summary>The settings every worker in these tests gets, on top of what a test adds.</summary>
public static class NotificationsWorkerSettings
{
    public const string RecipientTemplate = "{customer_id}@customers.example.com";
    public const string RefundDesk = "refund-desk@commerce.example.com";
    public const string From = "Commerce <no-reply@shop.example.com>";

    public static Dictionary<string, string> For(Uri broker, string exchange, string queue, string database, SmtpSink sink) => new()
    {
        ["RabbitMq__Uri"] = broker.ToString(),
        ["RabbitMq__Exchange"] = exchange,
        ["RabbitMq__Consumer__Queue"] = queue,
        // Short back-offs: a retry or a reconnect takes a fraction of a second, not the production second or more.
        ["RabbitMq__Consumer__RetryDelay"] = "00:00:00.100",
        ["RabbitMq__Consumer__MaxRetryDelay"] = "00:00:00.500",
        ["RabbitMq__Consumer__ReconnectDelay"] = "00:00:00.100",
        ["RabbitMq__Consumer__MaxReconnectDelay"] = "00:00:00.500",
        ["ConnectionStrings__Notifications"] = database,
        ["Smtp__Host"] = sink.Host,
        ["Smtp__Port"] = sink.Port.ToString(CultureInfo.InvariantCulture),
        ["Smtp__SecureSocketOptions"] = "None",
        ["Smtp__From"] = From,
        ["Notifications__RecipientAddress"] = RecipientTemplate,
        ["Notifications__RefundDeskAddress"] = RefundDesk,
    };

    public static string AddressOf(string customerId) => RecipientTemplate.Replace("{customer_id}", customerId, StringComparison.Ordinal);
}
