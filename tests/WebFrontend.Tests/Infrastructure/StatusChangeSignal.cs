using Npgsql;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>
/// A test database's notification of status changes in one table (PostgreSQL LISTEN/NOTIFY on a trigger the tests
/// install, never part of the product's schema): how a test learns that a silo — in this process or another — changed
/// a row, without polling.
/// </summary>
public sealed class StatusChangeSignal(string table)
{
    private string Channel => $"test_{table}_status";

    /// <summary>Installs the trigger. Call once the silos have migrated the schema (the table exists).</summary>
    public async Task InstallAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand($"""
            CREATE OR REPLACE FUNCTION test_notify_{table}_status() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('{Channel}', NEW.id || ' ' || NEW.status);
                RETURN NEW;
            END $$;
            DROP TRIGGER IF EXISTS test_{table}_status_changed ON {table};
            CREATE TRIGGER test_{table}_status_changed AFTER INSERT OR UPDATE OF status ON {table}
                FOR EACH ROW EXECUTE FUNCTION test_notify_{table}_status();
            """);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Waits until <paramref name="isReached"/> answers true: it is asked at once, and again at each status change any
    /// row of the table makes (a notification), until <paramref name="within"/> runs out.
    /// </summary>
    public async Task<T> WaitAsync<T>(NpgsqlDataSource database, Func<Task<(bool Reached, T Value)>> isReached, TimeSpan within, Func<T, string> describe)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync();
        }

        using var deadline = new CancellationTokenSource(within);
        var (reached, value) = await isReached();
        while (!reached)
        {
            try
            {
                await connection.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Not reached within {within}: {describe(value)}");
            }

            (reached, value) = await isReached();
        }

        return value;
    }
}
