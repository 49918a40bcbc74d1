using System.Diagnostics.Metrics;

namespace CustomerNotifications;

/// <summary>
/// What the notifications do, on the meter <see cref="MeterName"/>, each tagged with the event type: events handled,
/// duplicates skipped (deliveries of events already handled), mails sent and refused for good, and the end-to-end lag
/// from the change that raised an event to its handling (outbox, relay, broker and this consumer together).
/// </summary>
public sealed class NotificationMetrics
{
    public const string MeterName = "Commerce.Notifications";
    public const string EventsHandledName = "commerce.notifications.events_handled";
    public const string DuplicatesSkippedName = "commerce.notifications.duplicates_skipped";
    public const string MailsSentName = "commerce.notifications.mails_sent";
    public const string MailsUndeliverableName = "commerce.notifications.mails_undeliverable";
    public const string LagName = "commerce.notifications.lag";
    public const string EventTypeTag = "event.type";

    private readonly Counter<long> _handled;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _undeliverable;
    private readonly Histogram<double> _lag;

    public NotificationMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _handled = meter.CreateCounter<long>(EventsHandledName, unit: "{event}", description: "Events acted on (once each).");
        _duplicates = meter.CreateCounter<long>(DuplicatesSkippedName, unit: "{event}", description: "Deliveries of events already handled, skipped.");
        _sent = meter.CreateCounter<long>(MailsSentName, unit: "{mail}", description: "Mails the mail server accepted (or, without one, logged).");
        _undeliverable = meter.CreateCounter<long>(MailsUndeliverableName, unit: "{mail}", description: "Mails the mail server refused for good.");
        _lag = meter.CreateHistogram<double>(LagName, unit: "ms", description: "From the change that raised an event to its handling here.");
    }

    public void Handled(string eventType, TimeSpan lag)
    {
        var tag = Tag(eventType);
        _handled.Add(1, tag);
        _lag.Record(Math.Max(0, lag.TotalMilliseconds), tag);
    }

    public void DuplicateSkipped(string eventType) => _duplicates.Add(1, Tag(eventType));

    public void MailSent(string eventType) => _sent.Add(1, Tag(eventType));

    public void MailUndeliverable(string eventType) => _undeliverable.Add(1, Tag(eventType));

    private static KeyValuePair<string, object?> Tag(string eventType) => new(EventTypeTag, eventType);
}
