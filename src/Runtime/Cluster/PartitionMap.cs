using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Runtime.Partitioning;

namespace Runtime.Cluster;

/// <summary>
/// Every silo's and client's cached copy of partition → owner, read from the lease table: refreshed periodically,
/// and on demand when a call misses (no owner, a "moved" answer, an unreachable silo). Concurrent misses share one
/// refresh. A stale entry is harmless: the silo it names refuses partitions it does not serve.
/// </summary>
internal sealed partial class PartitionMap(
    ClusterTable table,
    PartitionFunction partitions,
    IOptions<ClusterOptions> options,
    [FromKeyedServices(ClusterClock.Key)] TimeProvider clock,
    ILogger<PartitionMap> logger) : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private SiloAddress?[] _owners = new SiloAddress?[partitions.PartitionCount];
    private Task? _refreshing;
    private Task _periodic = Task.CompletedTask;

    public SiloAddress? OwnerOf(int partition) => Volatile.Read(ref _owners)[partition];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        _periodic = RefreshPeriodicallyAsync(_stopping.Token);
    }

    /// <summary>Re-reads the map; joins a refresh already under way rather than starting another.</summary>
    public Task RefreshAsync()
    {
        lock (_lock)
        {
            if (_refreshing is { IsCompleted: false } running)
            {
                return running;
            }

            return _refreshing = ReadAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _periodic.ConfigureAwait(false);
    }

    private async Task ReadAsync()
    {
        try
        {
            var rows = await table.ReadPartitionMapAsync(_stopping.Token).ConfigureAwait(false);
            var owners = new SiloAddress?[partitions.PartitionCount];
            var silos = new Dictionary<string, SiloAddress>(StringComparer.Ordinal);
            foreach (var (partition, owner) in rows)
            {
                owners[partition] = silos.TryGetValue(owner.SiloId, out var known) ? known : silos[owner.SiloId] = owner;
            }

            Volatile.Write(ref _owners, owners);
        }
        catch (Exception exception) when (!_stopping.IsCancellationRequested)
        {
            // Keep routing with the map we have; the next refresh may succeed.
            LogRefreshFailed(logger, exception);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RefreshPeriodicallyAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(options.Value.MapRefreshInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                await RefreshAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(70, LogLevel.Warning, "Reading the partition map failed; routing with the previous one.")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
