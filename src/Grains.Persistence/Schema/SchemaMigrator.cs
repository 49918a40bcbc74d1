using System.Data;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Grains.Persistence.Schema;

/// <summary>
/// Brings the database schema up to date. All pending migrations apply in one transaction that first takes a
/// transaction-scoped advisory lock, so silos starting together on an empty database apply each migration exactly
/// once, and a failed migration leaves nothing half-applied.
/// </summary>
public sealed partial class SchemaMigrator(NpgsqlDataSource dataSource, ILogger<SchemaMigrator> logger)
{
    /// <summary>Arbitrary, but fixed: every process migrating this database must use the same key.</summary>
    private const long AdvisoryLockKey = 0x5343_4845_4D41_0001;

    /// <summary>Applies what is missing of <paramref name="migrations"/> (default: the product's); returns the ids applied by this call.</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(IReadOnlyList<Migration>? migrations = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // READ COMMITTED whatever the database default: each statement after the lock must see what the previous holder committed.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);

        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = AdvisoryLockKey });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", cancellationToken).ConfigureAwait(false);

        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("SELECT id FROM schema_migrations", connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(reader.GetString(0));
            }
        }

        var appliedNow = new List<string>();
        foreach (var migration in (migrations ?? Migration.All).Where(m => !applied.Contains(m.Id)))
        {
            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken).ConfigureAwait(false);
            await using var record = new NpgsqlCommand("INSERT INTO schema_migrations (id) VALUES ($1)", connection, transaction);
            record.Parameters.Add(new NpgsqlParameter { Value = migration.Id });
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            appliedNow.Add(migration.Id);
            LogApplied(logger, migration.Id);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return appliedNow;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(40, LogLevel.Information, "Applied schema migration {MigrationId}.")]
    private static partial void LogApplied(ILogger logger, string migrationId);
}
