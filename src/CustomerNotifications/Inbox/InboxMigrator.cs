using System.Data;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CustomerNotifications.Inbox;

/// <summary>
/// Brings the notifications database up to date: what is missing of <see cref="InboxMigrations.All"/>, in one
/// transaction behind a transaction-scoped advisory lock, so workers starting together apply each migration once and
/// a failed one leaves nothing behind. Its own bookkeeping table, so the database may be shared with others.
/// </summary>
public sealed partial class InboxMigrator(NotificationsDatabase database, ILogger<InboxMigrator> logger)
{
    // Arbitrary but fixed ("NOTIFY" + 1); distinct from the commerce schema's key.
    private const long AdvisoryLockKey = 0x4E4F_5449_4659_0001;

    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS notification_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", cancellationToken).ConfigureAwait(false);

        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("SELECT id FROM notification_migrations", connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(reader.GetString(0));
            }
        }

        var appliedNow = new List<string>();
        foreach (var (id, sql) in InboxMigrations.All.Where(m => !applied.Contains(m.Id)))
        {
            await ExecuteAsync(connection, transaction, sql, cancellationToken).ConfigureAwait(false);
            await using var record = new NpgsqlCommand("INSERT INTO notification_migrations (id) VALUES ($1)", connection, transaction);
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            appliedNow.Add(id);
            LogApplied(logger, id);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return appliedNow;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(1, LogLevel.Information, "Applied notifications migration {MigrationId}.")]
    private static partial void LogApplied(ILogger logger, string migrationId);
}
