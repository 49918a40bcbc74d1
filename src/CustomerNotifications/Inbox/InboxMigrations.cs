namespace CustomerNotifications.Inbox;

/// <summary>The notifications database's schema, in order. Applied by <see cref="InboxMigrator"/>; never edit one that shipped.</summary>
public static class InboxMigrations
{
    public static IReadOnlyList<(string Id, string Sql)> All { get; } =
    [
        ("0001_notification_inbox", """
            CREATE TABLE notification_inbox (
                event_id        uuid PRIMARY KEY,
                event_type      text NOT NULL,
                aggregate_id    text NOT NULL,
                occurred_at     timestamptz NOT NULL,
                received_at     timestamptz NOT NULL,   -- the first claim
                last_claimed_at timestamptz NOT NULL,
                attempts        integer NOT NULL,       -- claims: more than one means a delivery was retried unhandled
                state           text NOT NULL CHECK (state IN ('claimed', 'sent', 'undeliverable')),
                handled_at      timestamptz,
                CHECK ((state = 'claimed') = (handled_at IS NULL))
            );
            -- Claims never handled (a crash or a failing mail server): what an operator looks at.
            CREATE INDEX notification_inbox_unhandled ON notification_inbox (last_claimed_at) WHERE state = 'claimed';
            """),
    ];
}
