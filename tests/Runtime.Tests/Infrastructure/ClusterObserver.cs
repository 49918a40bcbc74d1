using Npgsql;
using Runtime.Cluster;
using Runtime.TestingHost;

namespace Runtime.Tests.Infrastructure;

/// <summary>
/// Watches a cluster's placement from the outside, as an operator would: reads <c>silo_partitions</c> and re-checks
/// whenever a silo announces a change on the cluster's NOTIFY channel.
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
        _listener.Notification += (_, _) =>
        {
            lock (_lock)
            {
                _changed.TrySetResult();
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        };
    }

    public static async Task<ClusterObserver> StartAsync(string connectionString)
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        var listener = await dataSource.OpenConnectionAsync();
        await using (var listen = new NpgsqlCommand($"LISTEN {ClusterTable.ChangeChannel}", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        var observer = new ClusterObserver(dataSource, listener);
        observer._pump = observer.PumpAsync();
        return observer;
    }

    /// <summary>Partition → owning silo id, for partitions with an unexpired lease.</summary>
    public async Task<Dictionary<int, string>> OwnersAsync()
    {
        await using var command = _dataSource.CreateCommand("SELECT partition, owner FROM silo_partitions WHERE owner IS NOT NULL AND lease_expires_at > now()");
        await using var reader = await command.ExecuteReaderAsync();
        var owners = new Dictionary<int, string>();
        while (await reader.ReadAsync())
        {
            owners[reader.GetInt32(0)] = reader.GetString(1);
        }

        return owners;
    }

    /// <summary>Waits until every partition is held by its rendezvous target among the running silos.</summary>
    public async Task<Dictionary<int, string>> WaitUntilBalancedAsync(IEnumerable<TestSilo> silos, int partitionCount = 1024)
    {
        var members = silos.Where(s => s.IsRunning).Select(s => s.SiloId!).Order(StringComparer.Ordinal).ToList();
        var expected = Enumerable.Range(0, partitionCount).ToDictionary(p => p, p => RendezvousHashing.Owner(p, members)!);
        var deadline = DateTime.UtcNow + GrainProbe.WaitLimit;
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                changed = _changed.Task;
            }

            var owners = await OwnersAsync();
            if (owners.Count == partitionCount && expected.All(pair => owners[pair.Key] == pair.Value))
            {
                return owners;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Placement did not converge: {owners.Count} of {partitionCount} partitions held, {expected.Count(pair => owners.GetValueOrDefault(pair.Key) != pair.Value)} not by their target.");

            // Releases and claims announce themselves; the one-second bound only covers a lost notification.
            await Task.WhenAny(changed, Task.Delay(TimeSpan.FromSeconds(1)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _pump;
        await _listener.DisposeAsync();
        await _dataSource.DisposeAsync();
    }

    private async Task PumpAsync()
    {
        try
        {
            while (true)
            {
                await _listener.WaitAsync(_stopping.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped at the end of the test.
        }
    }
}
