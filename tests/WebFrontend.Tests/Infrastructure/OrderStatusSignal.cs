using Npgsql;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>
/// A test database's notification of order status changes (PostgreSQL LISTEN/NOTIFY on a trigger the tests install,
/// never part of the product's schema): how a test learns that a silo — in this process or another — changed an order,
/// without polling.
/// </summary>
public static class OrderStatusSignal
{
    public const string Channel = "test_order_status";

    /// <summary>Installs the trigger. Call once the silos have migrated the schema (the orders table exists).</summary>
    public static async Task InstallAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand($"""
            CREATE OR REPLACE FUNCTION test_notify_order_status() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('{Channel}', NEW.id || ' ' || NEW.status);
                RETURN NEW;
            END $$;
            DROP TRIGGER IF EXISTS test_order_status_changed ON orders;
            CREATE TRIGGER test_order_status_changed AFTER INSERT OR UPDATE OF status ON orders
                FOR EACH ROW EXECUTE FUNCTION test_notify_order_status();
            """);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Waits until <paramref name="isReached"/> answers true: it is asked at once, and again at each status change any
    /// order makes (a notification), until <paramref name="within"/> runs out.
    /// </summary>
    public static async Task<T> WaitAsync<T>(NpgsqlDataSource database, Func<Task<(bool Reached, T Value)>> isReached, TimeSpan within, Func<T, string> describe)
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
