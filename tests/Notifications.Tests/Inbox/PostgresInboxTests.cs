using Commerce.Testing;
using CustomerNotifications.Inbox;
using Microsoft.Extensions.Logging.Abstractions;
using Notifications.Tests.Infrastructure;
using Npgsql;

namespace Notifications.Tests.Inbox;

/// <summary>The inbox's rules on a real PostgreSQL database of its own, and its migration.</summary>
public sealed class PostgresInboxTests : IAsyncLifetime
{
    private string _connectionString = null!;
    private NotificationsDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await SharedPostgres.CreateDatabaseAsync();
        _database = new NotificationsDatabase(NpgsqlDataSource.Create(_connectionString));
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Workers_migrating_together_apply_the_schema_once_and_again_applies_nothing()
    {
        var together = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Migrator().MigrateAsync(CancellationToken.None)));

        Assert.Equal(["0001_notification_inbox"], together.SelectMany(applied => applied));
        Assert.Empty(await Migrator().MigrateAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_claim_stays_claimable_until_it_is_marked_handled_and_then_every_claim_is_a_duplicate()
    {
        await Migrator().MigrateAsync(CancellationToken.None);
        var inbox = new PostgresNotificationInbox(_database);
        var paid = TestEvents.Paid("alice");
        var handledAt = TestEvents.At.AddSeconds(3);

        Assert.Equal(InboxClaim.Claimed, await inbox.ClaimAsync(paid, TestEvents.At.AddSeconds(1), CancellationToken.None));
        // Not marked (the worker died, or the mail server failed): the redelivery claims it again.
        Assert.Equal(InboxClaim.Claimed, await inbox.ClaimAsync(paid, TestEvents.At.AddSeconds(2), CancellationToken.None));
        Assert.Equal(("claimed", 2, false), Row(await InboxTable.ReadAsync(_connectionString)));

        await inbox.MarkHandledAsync(paid.Id, InboxOutcome.Sent, handledAt, CancellationToken.None);
        Assert.Equal(InboxClaim.AlreadyHandled, await inbox.ClaimAsync(paid, TestEvents.At.AddSeconds(4), CancellationToken.None));
        // A late mark of the same event changes nothing.
        await inbox.MarkHandledAsync(paid.Id, InboxOutcome.Undeliverable, TestEvents.At.AddSeconds(5), CancellationToken.None);

        Assert.Equal(("sent", 2, true), Row(await InboxTable.ReadAsync(_connectionString)));
        await using var command = _database.DataSource.CreateCommand("SELECT event_type, aggregate_id, occurred_at, received_at, last_claimed_at, handled_at FROM notification_inbox");
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(
            (paid.Type, paid.AggregateId, paid.OccurredAt, TestEvents.At.AddSeconds(1), TestEvents.At.AddSeconds(2), handledAt),
            (reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5)));
    }

    [Fact]
    public async Task An_undeliverable_event_is_handled_as_well()
    {
        await Migrator().MigrateAsync(CancellationToken.None);
        var inbox = new PostgresNotificationInbox(_database);
        var cancelled = TestEvents.Cancelled("bob");

        await inbox.ClaimAsync(cancelled, TestEvents.At, CancellationToken.None);
        await inbox.MarkHandledAsync(cancelled.Id, InboxOutcome.Undeliverable, TestEvents.At, CancellationToken.None);

        Assert.Equal(InboxClaim.AlreadyHandled, await inbox.ClaimAsync(cancelled, TestEvents.At, CancellationToken.None));
        Assert.Equal(("undeliverable", 1, true), Row(await InboxTable.ReadAsync(_connectionString)));
    }

    private InboxMigrator Migrator() => new(_database, NullLogger<InboxMigrator>.Instance);

    private static (string, int, bool) Row(IReadOnlyList<InboxRow> rows)
    {
        var row = Assert.Single(rows);
        return (row.State, row.Attempts, row.Handled);
    }
}
