using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Runtime.Partitioning;
using Runtime.Storage;

namespace Runtime.Cluster;

/// <summary>
/// Holds this silo's partition leases and says which partitions it may serve.
/// </summary>
/// <remarks>
/// <para>
/// Each cycle (every <see cref="ClusterOptions.LeaseRenewInterval"/>, or at once when the cluster changes): renew
/// every lease held; compute the target owner of every partition by rendezvous hashing over the active silos; hand
/// off the partitions that belong elsewhere; claim the free or expired ones that belong here, each claim bumping the
/// partition's epoch. Claims only take free or expired leases, so two silos never hold one partition.
/// </para>
/// <para>
/// A hand-off fences the partition at once, then deactivates its grains in the background while the lease goes on
/// being renewed, and releases it only when every grain has flushed: the next owner cannot read state that a
/// running call is still about to write. Deactivation never runs inside a cycle, so a slow flush cannot delay the
/// renewal of every other lease.
/// </para>
/// <para>
/// Self-fencing: a lease renewed by a statement sent at local time t expires in the database no earlier than
/// t + lease, whatever the clocks say, because the statement ran after it was sent. This silo serves a partition
/// only until t + lease - margin, checked on every call. Storage writes carry the lease's epoch as a fencing token,
/// so a write from a silo that lost the partition fails even if its new owner has written nothing yet.
/// </para>
/// </remarks>
internal sealed partial class PartitionLeaseManager : IPartitionOwnership
{
    private readonly ClusterTable _table;
    private readonly ClusterOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly long[] _servingUntil;
    private readonly long[] _epochs;
    private readonly SemaphoreSlim _cycle = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly HashSet<int> _held = [];
    private readonly HashSet<int> _handingOff = [];
    private readonly HashSet<int> _lapsed = [];
    private readonly List<Task> _handOffs = [];
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _selfId;
    private IReadOnlyList<string> _placedOver = [];
    private string?[] _targets = [];
    private Task _loop = Task.CompletedTask;
    private Mode _mode = Mode.Serving;
    private volatile bool _paused;
    private long _lastRenewedAt;

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
        _epochs = new long[partitions.PartitionCount];
    }

    private enum Mode
    {
        Serving,
        Leaving,
        Stopped,
    }

    /// <summary>Called (in the background) when partitions stop being served here: their grains must go.</summary>
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

    /// <summary>
    /// Whether leases are being renewed. A silo that cannot renew must not look alive, or placement would keep
    /// assigning it partitions nobody serves: the heartbeat stops while this is false, so others take over.
    /// </summary>
    public bool IsHealthy => _clock.GetElapsedTime(Interlocked.Read(ref _lastRenewedAt)) < _options.LeaseDuration - _options.FencingMargin;

    public bool IsServing(int partition) => _clock.GetTimestamp() < Volatile.Read(ref _servingUntil[partition]);

    public StorageFence? FenceFor(int partition)
    {
        lock (_lock)
        {
            // Held covers partitions being handed off too: their grains must be able to flush.
            return new StorageFence(_selfId ?? "", _held.Contains(partition) ? _epochs[partition] : -1);
        }
    }

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
        lock (_lock)
        {
            _wake.TrySetResult();
        }
    }

    /// <summary>Stops renewing, as a process stalled in a long pause would, while still answering calls (tests).</summary>
    public void Pause() => _paused = true;

    /// <summary>Stops everything without releasing anything, as a killed process would.</summary>
    public void Kill()
    {
        lock (_lock)
        {
            _mode = Mode.Stopped;
            Array.Clear(_servingUntil);
        }

        _stopping.Cancel();
    }

    /// <summary>
    /// Graceful exit, step one: stop serving everything, but go on renewing, so nobody claims a partition while its
    /// grains flush.
    /// </summary>
    public void StopServing()
    {
        lock (_lock)
        {
            _mode = Mode.Leaving;
            Array.Clear(_servingUntil);
        }
    }

    /// <summary>Graceful exit, step two, once every grain has flushed: hand every partition back at once.</summary>
    public async Task ReleaseAllAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _mode = Mode.Stopped;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        await _cycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Whatever the database says is ours, including claims whose answer never arrived.
            var released = await _table.ReleaseAllAsync(_selfId!, cancellationToken).ConfigureAwait(false);
            LogReleased(_logger, released, 0);
            lock (_lock)
            {
                _held.Clear();
                _handingOff.Clear();
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
            lock (_lock)
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

            lock (_lock)
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
            }

            DeactivateLapsed();
        }
    }

    private async Task RunCycleAsync(CancellationToken cancellationToken)
    {
        await _cycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RenewAsync(cancellationToken).ConfigureAwait(false);
            if (CurrentMode != Mode.Serving)
            {
                return;
            }

            var active = await _table.ReadActiveSilosAsync(_options.SiloDeadAfter, cancellationToken).ConfigureAwait(false);
            var targets = TargetsFor(active.Select(s => s.SiloId).Append(_selfId!).Distinct().Order(StringComparer.Ordinal).ToList());

            List<int> handOff;
            lock (_lock)
            {
                handOff = _held.Where(p => targets[p] != _selfId && !_handingOff.Contains(p)).ToList();
                foreach (var partition in handOff)
                {
                    _handingOff.Add(partition);
                    Volatile.Write(ref _servingUntil[partition], 0);
                }
            }

            if (handOff.Count > 0)
            {
                StartHandOff(handOff);
            }

            List<int> wanted;
            lock (_lock)
            {
                wanted = Enumerable.Range(0, targets.Length).Where(p => targets[p] == _selfId && !_held.Contains(p)).ToList();
            }

            if (wanted.Count > 0)
            {
                var sentAt = _clock.GetTimestamp();
                var claimed = await _table.ClaimAsync(_selfId!, wanted, _options.LeaseDuration, cancellationToken).ConfigureAwait(false);
                if (claimed.Count > 0)
                {
                    var serving = Serve(claimed, sentAt);
                    LogClaimed(_logger, claimed.Count, HeldCount, claimed.Max(l => l.Epoch));
                    PartitionsAcquired?.Invoke(serving);
                }
            }
        }
        finally
        {
            _cycle.Release();
        }
    }

    /// <summary>Renews every lease held, notices the ones taken over, and serves again any that had lapsed here.</summary>
    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        var sentAt = _clock.GetTimestamp();
        var renewed = await _table.RenewAsync(_selfId!, _options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _lastRenewedAt, _clock.GetTimestamp());
        var stillHeld = renewed.Select(l => l.Partition).ToHashSet();
        List<int> lost;
        lock (_lock)
        {
            lost = _held.Where(p => !stillHeld.Contains(p)).ToList();
            foreach (var partition in lost)
            {
                _held.Remove(partition);
                _handingOff.Remove(partition);
                _lapsed.Remove(partition);
                Volatile.Write(ref _servingUntil[partition], 0);
            }
        }

        if (lost.Count > 0)
        {
            // Another silo holds them now (our lease had expired): their grains here are stale.
            LogLeasesLost(_logger, lost.Count);
            StartDeactivation(lost);
        }

        var resumed = Serve(renewed, sentAt);
        if (resumed.Count > 0)
        {
            PartitionsAcquired?.Invoke(resumed);
        }
    }

    /// <summary>Records leases held and extends service of those this silo serves; returns those it starts serving again.</summary>
    private List<int> Serve(IEnumerable<PartitionLease> leases, long sentAt)
    {
        var until = sentAt + (long)((_options.LeaseDuration - _options.FencingMargin).TotalSeconds * _clock.TimestampFrequency);
        var started = new List<int>();
        lock (_lock)
        {
            foreach (var lease in leases)
            {
                var known = _held.Add(lease.Partition);
                _epochs[lease.Partition] = lease.Epoch;
                if (_mode != Mode.Serving || _handingOff.Contains(lease.Partition))
                {
                    continue;
                }

                if (!known || _lapsed.Remove(lease.Partition) || !IsServing(lease.Partition))
                {
                    started.Add(lease.Partition);
                }

                Volatile.Write(ref _servingUntil[lease.Partition], until);
            }
        }

        return started;
    }

    /// <summary>Fenced partitions: deactivate their grains, then release them, renewing the leases until then.</summary>
    private void StartHandOff(List<int> partitions)
    {
        Track(HandOffAsync());

        async Task HandOffAsync()
        {
            await DeactivateAsync(partitions).ConfigureAwait(false);
            await _cycle.WaitAsync().ConfigureAwait(false);
            try
            {
                List<int> releasing;
                lock (_lock)
                {
                    if (_mode == Mode.Stopped)
                    {
                        return;
                    }

                    releasing = partitions.Where(_handingOff.Contains).ToList();
                }

                await _table.ReleaseAsync(_selfId!, releasing, CancellationToken.None).ConfigureAwait(false);
                lock (_lock)
                {
                    foreach (var partition in releasing)
                    {
                        _handingOff.Remove(partition);
                        _held.Remove(partition);
                    }
                }

                LogReleased(_logger, releasing.Count, HeldCount);
            }
            catch (Exception exception)
            {
                // Still held and fenced: the next cycle's renewal keeps them, and they are handed off again.
                LogHandOffFailed(_logger, exception, partitions.Count);
                lock (_lock)
                {
                    _handingOff.ExceptWith(partitions);
                }
            }
            finally
            {
                _cycle.Release();
            }
        }
    }

    /// <summary>Partitions whose service deadline passed without renewal (a slow or failing cycle): drop their grains.</summary>
    private void DeactivateLapsed()
    {
        var lapsed = new List<int>();
        lock (_lock)
        {
            if (_mode != Mode.Serving)
            {
                return;
            }

            foreach (var partition in _held)
            {
                if (!IsServing(partition) && !_handingOff.Contains(partition) && _lapsed.Add(partition))
                {
                    lapsed.Add(partition);
                }
            }
        }

        if (lapsed.Count > 0)
        {
            LogLeasesLapsed(_logger, lapsed.Count);
            StartDeactivation(lapsed);
        }
    }

    private void StartDeactivation(IReadOnlyCollection<int> partitions) => Track(DeactivateAsync(partitions));

    private async Task DeactivateAsync(IReadOnlyCollection<int> partitions)
    {
        try
        {
            if (PartitionsLost is { } lost)
            {
                await lost(partitions).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            LogHandOffFailed(_logger, exception, partitions.Count);
        }
    }

    private void Track(Task work)
    {
        lock (_lock)
        {
            _handOffs.RemoveAll(t => t.IsCompleted);
            _handOffs.Add(work);
        }
    }

    private Mode CurrentMode
    {
        get
        {
            lock (_lock)
            {
                return _mode;
            }
        }
    }

    private int HeldCount
    {
        get
        {
            lock (_lock)
            {
                return _held.Count;
            }
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

    [LoggerMessage(65, LogLevel.Warning, "Handing off {Count} partitions failed; they stay held and are handed off again.")]
    private static partial void LogHandOffFailed(ILogger logger, Exception exception, int count);
}

/// <summary>
/// Leases follow real time and the database's clock, never a test's manual clock: the lease manager and routing take
/// this keyed <see cref="TimeProvider"/> (the system clock unless replaced).
/// </summary>
public static class ClusterClock
{
    public const string Key = "cluster";
}
