using IntegrationEvents;
using Npgsql;
using NpgsqlTypes;

namespace CustomerNotifications.Inbox;

/// <summary>
/// The inbox as rows of <c>notification_inbox</c> (see <see cref="InboxMigrations"/>), one statement per call, each
/// its own transaction: a claim is committed before the mail goes out (see <see cref="INotificationInbox"/>).
/// </summary>
public sealed class PostgresNotificationInbox(NotificationsDatabase database) : INotificationInbox
{
    // A new event inserts its claim; a claimed one that was never handled is claimed again (attempts + 1); a handled
    // one matches the conflict but not the WHERE, so nothing is returned.
    private const string ClaimSql = """
        INSERT INTO notification_inbox (event_id, event_type, aggregate_id, occurred_at, received_at, last_claimed_at, attempts, state)
        VALUES ($1, $2, $3, $4, $5, $5, 1, 'claimed')
        ON CONFLICT (event_id) DO UPDATE
            SET attempts = notification_inbox.attempts + 1, last_claimed_at = EXCLUDED.last_claimed_at
            WHERE notification_inbox.state = 'claimed'
        RETURNING attempts
        """;

    private const string MarkHandledSql = """
        UPDATE notification_inbox SET state = $2, handled_at = $3
        WHERE event_id = $1 AND state = 'claimed'
        """;

    public async Task<InboxClaim> ClaimAsync(IntegrationEvent @event, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(@event);
        await using var command = database.DataSource.CreateCommand(ClaimSql);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = @event.Id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = @event.Type });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = @event.AggregateId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = @event.OccurredAt.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        var attempts = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return attempts is null ? InboxClaim.AlreadyHandled : InboxClaim.Claimed;
    }

    public async Task MarkHandledAsync(Guid eventId, InboxOutcome outcome, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(MarkHandledSql);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = eventId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = State(outcome) });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string State(InboxOutcome outcome) => outcome switch
    {
        InboxOutcome.Sent => "sent",
        InboxOutcome.Undeliverable => "undeliverable",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Not an outcome."),
    };
}
