using Npgsql;
using Runtime.Cluster;

namespace Runtime.TestingHost;

/// <summary>
/// Watches a cluster's membership and placement from the outside, as an operator would: reads the <c>silos</c> and
/// <c>silo_partitions</c> tables, and looks again whenever a silo announces a change on the cluster's NOTIFY channel.
/// </summary>
public sealed class ClusterObserver : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlConnection _listener;
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _pump = Task.CompletedTask;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ClusterObserver(NpgsqlDataSource dataSource, NpgsqlConnection listener)
    {
        _dataSource = dataSource;
        _listener = listener;
        _listener.Notification += (_, _) => SignalChange();
    }

    /// <summary>Starts watching (silos need not have started yet).</summary>
    public static async Task<ClusterObserver> StartAsync(string connectionString)
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        var listener = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using (var listen = new NpgsqlCommand($"LISTEN {ClusterTable.ChangeChannel}", listener))
        {
            await listen.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        var observer = new ClusterObserver(dataSource, listener);
        observer._pump = observer.PumpAsync();
        return observer;
    }

    /// <summary>Partition → owning silo id, for partitions with an unexpired lease.</summary>
    public async Task<Dictionary<int, string>> OwnersAsync()
    {
        await using var command = _dataSource.CreateCommand("SELECT partition, owner FROM silo_partitions WHERE owner IS NOT NULL AND lease_expires_at > now()");
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var owners = new Dictionary<int, string>();
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            owners[reader.GetInt32(0)] = reader.GetString(1);
        }

        return owners;
    }

    public async Task<IReadOnlyList<string>> ActiveSilosAsync()
    {
        await using var command = _dataSource.CreateCommand("SELECT id FROM silos WHERE status = 'Active' ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var silos = new List<string>();
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            silos.Add(reader.GetString(0));
        }

        return silos;
    }

    /// <summary>Waits until every partition is held by its rendezvous target among <paramref name="siloIds"/>; returns the placement.</summary>
    public Task<Dictionary<int, string>> WaitUntilBalancedAsync(IEnumerable<string> siloIds, TimeSpan timeout, int partitionCount = 1024)
    {
        var members = siloIds.Order(StringComparer.Ordinal).ToList();
        return WaitUntilAsync(async () =>
        {
            var owners = await OwnersAsync().ConfigureAwait(false);
            var settled = owners.Count == partitionCount && owners.All(pair => RendezvousHashing.Owner(pair.Key, members) == pair.Value);
            return (settled, owners, $"{owners.Count} of {partitionCount} partitions held, {owners.Count(pair => RendezvousHashing.Owner(pair.Key, members) != pair.Value)} not by their target");
        }, timeout);
    }

    /// <summary>Waits until exactly <paramref name="silos"/> silos are active and placement over them has settled.</summary>
    public Task<Dictionary<int, string>> WaitUntilSettledAsync(int silos, TimeSpan timeout, int partitionCount = 1024)
        => WaitUntilAsync(async () =>
        {
            IReadOnlyList<string> active;
            try
            {
                active = await ActiveSilosAsync().ConfigureAwait(false);
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                return (false, [], "no silo has migrated the database yet");
            }

            if (active.Count != silos)
            {
                return (false, [], $"{active.Count} of {silos} silos active");
            }

            var owners = await OwnersAsync().ConfigureAwait(false);
            var settled = owners.Count == partitionCount && owners.All(pair => RendezvousHashing.Owner(pair.Key, active) == pair.Value);
            return (settled, owners, $"{owners.Count} of {partitionCount} partitions held by their targets' silos so far");
        }, timeout);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _pump.ConfigureAwait(false);
        await _listener.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<Dictionary<int, string>> WaitUntilAsync(Func<Task<(bool Done, Dictionary<int, string> Owners, string Progress)>> check, TimeSpan timeout)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)(timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                changed = _changed.Task;
            }

            var (done, owners, progress) = await check().ConfigureAwait(false);
            if (done)
            {
                return owners;
            }

            if (TimeProvider.System.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"The cluster did not settle within {timeout}: {progress}.");
            }

            // Joins, releases and claims announce themselves; the one-second bound only covers a lost notification.
            await Task.WhenAny(changed, Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System)).ConfigureAwait(false);
        }
    }

    private void SignalChange()
    {
        lock (_lock)
        {
            _changed.TrySetResult();
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    private async Task PumpAsync()
    {
        try
        {
            while (true)
            {
                await _listener.WaitAsync(_stopping.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }
}
