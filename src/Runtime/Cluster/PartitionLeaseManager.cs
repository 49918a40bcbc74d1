using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Runtime.Partitioning;

namespace Runtime.Cluster;

/// <summary>
/// Holds this silo's partition leases and says which partitions it may serve.
/// </summary>
/// <remarks>
/// <para>
/// Each cycle (every <see cref="ClusterOptions.LeaseRenewInterval"/>, or at once when the cluster changes): renew
/// the leases held; compute the target owner of every partition by rendezvous hashing over the active silos;
/// release the partitions that belong elsewhere (after deactivating their grains); claim the free or expired ones
/// that belong here, each claim bumping the partition's epoch. Release comes before claim, and claims only take
/// free or expired leases, so two silos never hold one partition.
/// </para>
/// <para>
/// Self-fencing: a lease renewed by a statement sent at local time t expires in the database no earlier than
/// t + lease, whatever the clocks say, because the statement ran after it was sent. This silo serves a partition
/// only until t + lease - margin, checked on every call; a paused silo stops serving before any other silo can
/// claim what it held.
/// </para>
/// </remarks>
internal sealed partial class PartitionLeaseManager : IPartitionOwnership
{
    private readonly ClusterTable _table;
    private readonly ClusterOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly long[] _servingUntil;
    private readonly HashSet<int> _held = [];
    private readonly SemaphoreSlim _cycle = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _wakeLock = new();
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _selfId;
    private IReadOnlyList<string> _placedOver = [];
    private string?[] _targets = [];
    private Task _loop = Task.CompletedTask;
    private volatile bool _paused;
    private long _lastCycleAt;

    public PartitionLeaseManager(
        ClusterTable table,
        IOptions<ClusterOptions> options,
        PartitionFunction partitions,
        [FromKeyedServices(ClusterClock.Key)] TimeProvider clock,
        ILogger<PartitionLeaseManager> logger)
    {
        _table = table;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        _servingUntil = new long[partitions.PartitionCount];
    }

    /// <summary>Raised (and awaited) when partitions stop being served here: their grains must go.</summary>
    public Func<IReadOnlyCollection<int>, Task>? PartitionsLost { get; set; }

    /// <summary>Raised when partitions start being served here.</summary>
    public event Action<IReadOnlyCollection<int>>? PartitionsAcquired;

    public bool ServesAll => false;

    public IReadOnlyCollection<int>? ServedPartitions
    {
        get
        {
            var now = _clock.GetTimestamp();
            return Enumerable.Range(0, _servingUntil.Length).Where(p => now < Volatile.Read(ref _servingUntil[p])).ToList();
        }
    }

    public bool IsServing(int partition) => _clock.GetTimestamp() < Volatile.Read(ref _servingUntil[partition]);

    /// <summary>
    /// Whether lease cycles are succeeding. A silo that cannot renew must not look alive, or placement would keep
    /// assigning it partitions nobody serves: the heartbeat stops while this is false, so others take over.
    /// </summary>
    public bool IsHealthy => _clock.GetElapsedTime(Interlocked.Read(ref _lastCycleAt)) < _options.LeaseDuration - _options.FencingMargin;

    /// <summary>Runs the first cycle (so the silo serves its share before it says it is up), then keeps cycling.</summary>
    public async Task StartAsync(string selfId, CancellationToken cancellationToken)
    {
        _selfId = selfId;
        await RunCycleAsync(cancellationToken).ConfigureAwait(false);
        _loop = RunAsync(_stopping.Token);
    }

    /// <summary>Asks for a cycle now, such as when another silo joined, left or released partitions.</summary>
    public void Wake()
    {
        lock (_wakeLock)
        {
            _wake.TrySetResult();
        }
    }

    /// <summary>Stops renewing, as a process stalled in a long pause would, while still answering calls (tests).</summary>
    public void Pause() => _paused = true;

    /// <summary>Stops the cycles without releasing anything, as a killed process would.</summary>
    public void Kill()
    {
        _stopping.Cancel();
        Fence(Enumerable.Range(0, _servingUntil.Length));
    }

    /// <summary>Graceful exit, step one: stop serving everything, keeping the leases so nobody claims mid-flush.</summary>
    public async Task StopServingAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        Fence(Enumerable.Range(0, _servingUntil.Length));
    }

    /// <summary>Graceful exit, step two, once every grain has been flushed: hand all partitions back at once.</summary>
    public async Task ReleaseAllAsync(CancellationToken cancellationToken)
    {
        await _cycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_held.Count > 0)
            {
                await _table.ReleaseAsync(_selfId!, [.. _held], cancellationToken).ConfigureAwait(false);
                LogReleased(_logger, _held.Count, 0);
                _held.Clear();
            }
        }
        finally
        {
            _cycle.Release();
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Task wake;
            lock (_wakeLock)
            {
                wake = _wake.Task;
            }

            try
            {
                await Task.WhenAny(wake, Task.Delay(_options.LeaseRenewInterval, _clock, stopping)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            lock (_wakeLock)
            {
                if (_wake.Task.IsCompleted)
                {
                    _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }

            if (_paused || stopping.IsCancellationRequested)
            {
                continue;
            }

            try
            {
                await RunCycleAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // The database may be down; leases lapse on their own and self-fencing stops service in time.
                LogCycleFailed(_logger, exception);
                await LoseLapsedAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task RunCycleAsync(CancellationToken cancellationToken)
    {
        await _cycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RenewAsync(cancellationToken).ConfigureAwait(false);
            var active = await _table.ReadActiveSilosAsync(_options.SiloDeadAfter, cancellationToken).ConfigureAwait(false);
            var targets = TargetsFor(active.Select(s => s.SiloId).Append(_selfId!).Distinct().Order(StringComparer.Ordinal).ToList());

            var release = _held.Where(p => targets[p] != _selfId).ToList();
            if (release.Count > 0)
            {
                await LoseAsync(release).ConfigureAwait(false);
                await _table.ReleaseAsync(_selfId!, release, cancellationToken).ConfigureAwait(false);
                LogReleased(_logger, release.Count, _held.Count);
            }

            var wanted = Enumerable.Range(0, targets.Length).Where(p => targets[p] == _selfId && !_held.Contains(p)).ToList();
            if (wanted.Count > 0)
            {
                var sentAt = _clock.GetTimestamp();
                var claimed = await _table.ClaimAsync(_selfId!, wanted, _options.LeaseDuration, cancellationToken).ConfigureAwait(false);
                if (claimed.Count > 0)
                {
                    Serve(claimed.Select(l => l.Partition), sentAt);
                    LogClaimed(_logger, claimed.Count, _held.Count, claimed.Max(l => l.Epoch));
                    PartitionsAcquired?.Invoke([.. claimed.Select(l => l.Partition)]);
                }
            }

            Interlocked.Exchange(ref _lastCycleAt, _clock.GetTimestamp());
        }
        finally
        {
            _cycle.Release();
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        var sentAt = _clock.GetTimestamp();
        var renewed = await _table.RenewAsync(_selfId!, _options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        var stillHeld = renewed.Select(l => l.Partition).ToHashSet();
        var lost = _held.Where(p => !stillHeld.Contains(p)).ToList();
        if (lost.Count > 0)
        {
            LogLeasesLost(_logger, lost.Count);
            await LoseAsync(lost).ConfigureAwait(false);
        }

        // A lease that lapsed here but that nobody claimed is still ours: serve it again (its grains reactivate fresh).
        var resumed = stillHeld.Where(p => !_held.Contains(p) || !IsServing(p)).ToList();
        Serve(stillHeld, sentAt);
        if (resumed.Count > 0)
        {
            PartitionsAcquired?.Invoke(resumed);
        }
    }

    private async Task LoseLapsedAsync()
    {
        await _cycle.WaitAsync().ConfigureAwait(false);
        try
        {
            var lapsed = _held.Where(p => !IsServing(p)).ToList();
            if (lapsed.Count > 0)
            {
                LogLeasesLapsed(_logger, lapsed.Count);
                await LoseAsync(lapsed).ConfigureAwait(false);
            }
        }
        finally
        {
            _cycle.Release();
        }
    }

    private void Serve(IEnumerable<int> partitions, long sentAt)
    {
        var until = sentAt + (long)((_options.LeaseDuration - _options.FencingMargin).TotalSeconds * _clock.TimestampFrequency);
        foreach (var partition in partitions)
        {
            _held.Add(partition);
            Interlocked.Exchange(ref _servingUntil[partition], until);
        }
    }

    private async Task LoseAsync(IReadOnlyCollection<int> partitions)
    {
        Fence(partitions);
        foreach (var partition in partitions)
        {
            _held.Remove(partition);
        }

        if (PartitionsLost is { } lost)
        {
            await lost(partitions).ConfigureAwait(false);
        }
    }

    /// <summary>Stops serving at once; Interlocked so a dispatcher that counted itself in sees it (see Catalog).</summary>
    private void Fence(IEnumerable<int> partitions)
    {
        foreach (var partition in partitions)
        {
            Interlocked.Exchange(ref _servingUntil[partition], 0);
        }
    }

    private string?[] TargetsFor(IReadOnlyList<string> silos)
    {
        if (!silos.SequenceEqual(_placedOver))
        {
            _targets = [.. Enumerable.Range(0, _servingUntil.Length).Select(p => RendezvousHashing.Owner(p, silos))];
            _placedOver = silos;
        }

        return _targets;
    }

    [LoggerMessage(60, LogLevel.Information, "Claimed {Count} partitions (now holding {Held}); highest epoch {Epoch}.")]
    private static partial void LogClaimed(ILogger logger, int count, int held, long epoch);

    [LoggerMessage(61, LogLevel.Information, "Released {Count} partitions to their new owners (now holding {Held}).")]
    private static partial void LogReleased(ILogger logger, int count, int held);

    [LoggerMessage(62, LogLevel.Warning, "{Count} partition leases were taken over by another silo; their grains are deactivated here.")]
    private static partial void LogLeasesLost(ILogger logger, int count);

    [LoggerMessage(63, LogLevel.Warning, "{Count} partition leases lapsed before they could be renewed; this silo stopped serving them.")]
    private static partial void LogLeasesLapsed(ILogger logger, int count);

    [LoggerMessage(64, LogLevel.Warning, "A lease cycle failed; retrying at the next one.")]
    private static partial void LogCycleFailed(ILogger logger, Exception exception);
}

/// <summary>
/// Leases follow real time and the database's clock, never a test's manual clock: the lease manager and routing take
/// this keyed <see cref="TimeProvider"/> (the system clock unless replaced).
/// </summary>
public static class ClusterClock
{
    public const string Key = "cluster";
}
