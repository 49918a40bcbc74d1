using Grains.Persistence.Outbox;
using Npgsql;

namespace WebFrontend.Tests.Outbox;

/// <summary>
/// Holds every relay between publishing a batch and marking it (a test's trigger, never the product's schema): the
/// mark's UPDATE waits on an advisory lock the test holds, so a silo killed meanwhile dies with its batch published and
/// unmarked. Also tells the test, by LISTEN/NOTIFY, each time an outbox row is marked.
/// </summary>
public sealed class OutboxMarkGate : IAsyncDisposable
{
    private const string MarkedChannel = "test_outbox_marked";
    private readonly NpgsqlConnection _holder;
    private readonly NpgsqlDataSource _database;

    private OutboxMarkGate(NpgsqlDataSource database, NpgsqlConnection holder) => (_database, _holder) = (database, holder);

    /// <summary>Installs the gate on the outbox and closes it. Call once the schema is migrated.</summary>
    public static async Task<OutboxMarkGate> CloseAsync(NpgsqlDataSource database)
    {
        await using (var install = database.CreateCommand($"""
            CREATE FUNCTION test_outbox_mark_gate() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_advisory_xact_lock(4242, 1);
                RETURN NEW;
            END $$;
            CREATE TRIGGER test_outbox_mark_gate BEFORE UPDATE OF published_at ON outbox FOR EACH ROW EXECUTE FUNCTION test_outbox_mark_gate();
            CREATE FUNCTION test_outbox_marked() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('{MarkedChannel}', NEW.id::text);
                RETURN NEW;
            END $$;
            CREATE TRIGGER test_outbox_marked AFTER UPDATE OF published_at ON outbox FOR EACH ROW EXECUTE FUNCTION test_outbox_marked();
            """))
        {
            await install.ExecuteNonQueryAsync();
        }

        // A connection of its own, not the pool's: a session lock must not outlive the gate on a pooled connection.
        var holder = new NpgsqlConnection(database.ConnectionString);
        await holder.OpenAsync();
        await using (var hold = new NpgsqlCommand("SELECT pg_advisory_lock(4242, 1)", holder))
        {
            await hold.ExecuteNonQueryAsync();
        }

        return new OutboxMarkGate(database, holder);
    }

    /// <summary>Lets marks through again. Unlocked explicitly: a pooled connection keeps its session's locks when closed.</summary>
    public async Task OpenAsync()
    {
        await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(4242, 1)", _holder);
        await unlock.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Takes every shard's relay lock as a relay would, so that no relay can claim until <see cref="ReleaseShardsAsync"/>:
    /// events written meanwhile then leave in one batch per shard, all of them held by the gate.
    /// </summary>
    public async Task HoldShardsAsync(int shards)
    {
        await using var hold = new NpgsqlCommand("SELECT pg_advisory_lock($1, shard) FROM generate_series(0, $2 - 1) AS shard", _holder)
        {
            Parameters = { new() { Value = PostgresOutboxStore.RelayLockSpace }, new() { Value = shards } },
        };
        await hold.ExecuteNonQueryAsync();
    }

    public async Task ReleaseShardsAsync(int shards)
    {
        await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock($1, shard) FROM generate_series(0, $2 - 1) AS shard", _holder)
        {
            Parameters = { new() { Value = PostgresOutboxStore.RelayLockSpace }, new() { Value = shards } },
        };
        await release.ExecuteNonQueryAsync();
    }

    /// <summary>Completes once every event of <paramref name="eventIds"/> has been marked delivered; listening starts now.</summary>
    public async Task<Func<Task>> ListenForMarksAsync(IReadOnlyCollection<Guid> eventIds, TimeSpan within)
    {
        var connection = await _database.OpenConnectionAsync();
        var waiting = new HashSet<string>(eventIds.Select(id => id.ToString()), StringComparer.Ordinal);
        connection.Notification += (_, notification) =>
        {
            lock (waiting)
            {
                waiting.Remove(notification.Payload);
            }
        };
        await using (var listen = new NpgsqlCommand($"LISTEN {MarkedChannel}", connection))
        {
            await listen.ExecuteNonQueryAsync();
        }

        return async () =>
        {
            await using var _ = connection;
            using var deadline = new CancellationTokenSource(within);
            while (true)
            {
                lock (waiting)
                {
                    if (waiting.Count == 0)
                    {
                        return;
                    }
                }

                try
                {
                    await connection.WaitAsync(deadline.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new TimeoutException($"{waiting.Count} of {eventIds.Count} events were not marked delivered within {within}.");
                }
            }
        };
    }

    public ValueTask DisposeAsync() => _holder.DisposeAsync();
}
