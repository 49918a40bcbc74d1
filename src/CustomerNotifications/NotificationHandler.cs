using CustomerNotifications.Inbox;
using CustomerNotifications.Mail;
using IntegrationEvents;
using Microsoft.Extensions.Logging;

namespace CustomerNotifications;

/// <summary>
/// Acts once on each event that concerns someone: the customer is mailed when an order is paid, expires or is
/// cancelled, the refund desk when money must go back. Dedupes through the <see cref="INotificationInbox"/> (claim →
/// send → mark handled; the crash windows are described there). Throws <see cref="FormatException"/> for an event it
/// can never act on (a payload that is not its type's, a customer id no address can be made of): the consumer sets
/// it aside instead of retrying it. Any other exception means "not done, try again later". Each event is handled in a
/// consumer span continuing the trace it carries (<see cref="NotificationActivities"/>).
/// </summary>
public sealed partial class NotificationHandler(
    INotificationInbox inbox,
    NotificationMails mails,
    IMailSender sender,
    NotificationMetrics metrics,
    TimeProvider time,
    ILogger<NotificationHandler> logger) : IIntegrationEventHandler
{
    public async Task HandleAsync(IntegrationEvent @event, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(@event);
        using var activity = NotificationActivities.StartProcess(@event);
        try
        {
            await NotifyAsync(@event, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            EventActivities.Failed(activity, exception);
            throw;
        }
    }

    private async Task NotifyAsync(IntegrationEvent @event, CancellationToken cancellationToken)
    {
        if (!NotificationMails.Notifies(@event.Type))
        {
            LogNotOurs(logger, @event.Id, @event.Type);
            return;
        }

        // Composed before the claim: an event that can never become a mail leaves no claim behind.
        var mail = await mails.ComposeAsync(@event, cancellationToken).ConfigureAwait(false);
        if (await inbox.ClaimAsync(@event, time.GetUtcNow(), cancellationToken).ConfigureAwait(false) == InboxClaim.AlreadyHandled)
        {
            metrics.DuplicateSkipped(@event.Type);
            LogDuplicate(logger, @event.Id, @event.Type);
            return;
        }

        InboxOutcome outcome;
        try
        {
            await sender.SendAsync(mail, cancellationToken).ConfigureAwait(false);
            outcome = InboxOutcome.Sent;
            metrics.MailSent(@event.Type);
        }
        catch (UndeliverableMailException exception)
        {
            // Sending again cannot help: recorded as handled, for a person to follow up from the log and the inbox row.
            outcome = InboxOutcome.Undeliverable;
            metrics.MailUndeliverable(@event.Type);
            LogUndeliverable(logger, exception, @event.Id, @event.Type, mail.To.ToString(), exception.Message);
        }

        var handledAt = time.GetUtcNow();
        await inbox.MarkHandledAsync(@event.Id, outcome, handledAt, cancellationToken).ConfigureAwait(false);
        metrics.Handled(@event.Type, handledAt - @event.OccurredAt);
        LogHandled(logger, @event.Id, @event.Type, mail.To.ToString(), mail.Subject, mail.MessageId, outcome);
    }

    [LoggerMessage(1, LogLevel.Information, "Notified {To} of event {EventId} ({EventType}): \"{Subject}\", Message-Id {MessageId}, {Outcome}.")]
    private static partial void LogHandled(ILogger logger, Guid eventId, string eventType, string to, string? subject, string? messageId, InboxOutcome outcome);

    [LoggerMessage(2, LogLevel.Information, "Event {EventId} ({EventType}) was handled before; delivery skipped.")]
    private static partial void LogDuplicate(ILogger logger, Guid eventId, string eventType);

    [LoggerMessage(3, LogLevel.Debug, "Event {EventId} ({EventType}) notifies nobody.")]
    private static partial void LogNotOurs(ILogger logger, Guid eventId, string eventType);

    [LoggerMessage(4, LogLevel.Error, "The mail for event {EventId} ({EventType}) to {To} was refused for good: {Error}")]
    private static partial void LogUndeliverable(ILogger logger, Exception exception, Guid eventId, string eventType, string to, string error);
}
