using IntegrationEvents;

namespace CustomerNotifications.Inbox;

/// <summary>
/// The events this consumer has seen, by id, so each is acted on once although it may be delivered many times.
/// <para>
/// The order is claim → send → mark handled. A claim is written (and committed) before the mail goes out, and the
/// event is marked handled only after the mail server accepted it. So a crash before the send leaves a claim that is
/// not handled, and the redelivered event claims it again and sends; a crash inside the send, or between the send and
/// the mark, sends the mail a second time on redelivery: mail is at least once across such a crash, never lost, and
/// the copy has the same Message-Id (the event id), by which mail systems and people recognise it. A claim never
/// blocks: two deliveries of one event at the same moment (only possible when a worker lost its broker connection
/// but not its mail server) both send. Holding a database lock across an SMTP call to exclude that was judged worse
/// than an occasional duplicate that says it is one.
/// </para>
/// </summary>
public interface INotificationInbox
{
    /// <summary>
    /// Records that <paramref name="event"/> is being acted on: <see cref="InboxClaim.Claimed"/> the first time and
    /// whenever an earlier claim was never marked handled, <see cref="InboxClaim.AlreadyHandled"/> once it was.
    /// </summary>
    Task<InboxClaim> ClaimAsync(IntegrationEvent @event, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The event was acted on: every later claim of it answers <see cref="InboxClaim.AlreadyHandled"/>.</summary>
    Task MarkHandledAsync(Guid eventId, InboxOutcome outcome, DateTimeOffset now, CancellationToken cancellationToken);
}

public enum InboxClaim
{
    Claimed,
    AlreadyHandled,
}

/// <summary>How an event was handled, as the inbox's <c>state</c> column says it.</summary>
public enum InboxOutcome
{
    /// <summary>The mail server accepted the mail.</summary>
    Sent,

    /// <summary>The mail server refused the recipient for good; nothing more can be done by sending again.</summary>
    Undeliverable,
}
