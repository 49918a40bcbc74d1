using BlobStorage;
using Commerce.Testing;
using Grains.Exports;
using Orleans.Storage;

namespace Grains.Tests.Exports;

/// <summary>The silo's default grain storage (in memory), whose writes of an export job's state fail when a test says so.</summary>
internal sealed class FlakyJobStorage(IGrainStorage inner) : IGrainStorage
{
    private readonly Lock _lock = new();
    private Func<string, ExportJobState, bool>? _fail;
    private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(Func<string, ExportJobState, bool> Matches, TaskCompletionSource Done)> _waiters = [];

    /// <summary>Completes once a write has failed.</summary>
    public Task Failed => _failed.Task;

    /// <summary>The next write of a job's state that <paramref name="when"/> picks fails (before it reaches storage), once.</summary>
    public void FailOnce(Func<string, ExportJobState, bool> when)
    {
        lock (_lock)
        {
            _fail = when;
        }
    }

    /// <summary>Completes once a job's state that <paramref name="matches"/> picks has been written.</summary>
    public Task Wrote(Func<string, ExportJobState, bool> matches)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waiters.Add((matches, done));
        }

        return done.Task;
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        lock (_lock)
        {
            if (_fail is { } fail && grainState.State is ExportJobState job && fail(grainId.Key.ToString()!, job))
            {
                _fail = null;
                _failed.TrySetResult();
                return Task.FromException(new IOException("The storage is away (test)."));
            }
        }

        return WrittenAsync(inner.WriteStateAsync(stateName, grainId, grainState), grainId.Key.ToString()!, grainState.State as ExportJobState);
    }

    private async Task WrittenAsync(Task write, string id, ExportJobState? job)
    {
        await write;
        if (job is null)
        {
            return;
        }

        List<TaskCompletionSource> done;
        lock (_lock)
        {
            var matched = _waiters.Where(w => w.Matches(id, job)).ToList();
            _waiters.RemoveAll(matched.Contains);
            done = [.. matched.Select(w => w.Done)];
        }

        done.ForEach(d => d.TrySetResult());
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
}

/// <summary>The filesystem store whose next drop of a write's parts fails, once armed.</summary>
internal sealed class FlakyBlobs(IBlobStore inner) : DelegatingBlobStore(inner)
{
    private int _failAborts;

    public void FailNextAbort() => Interlocked.Exchange(ref _failAborts, 1);

    public override Task AbortPartsAsync(string key, string writeId, CancellationToken cancellationToken)
        => Interlocked.Exchange(ref _failAborts, 0) == 1
            ? Task.FromException(new IOException("The blob store is away (test)."))
            : base.AbortPartsAsync(key, writeId, cancellationToken);
}

/// <summary>
/// Generated orders whose reads are recorded (the cursor each starts after) and whose first <paramref name="failures"/>
/// reads fail with what <paramref name="failure"/> makes.
/// </summary>
internal sealed class RecordingOrders(int count, int failures = 0, Func<Exception>? failure = null) : IOrderExportSource
{
    private readonly GeneratedOrders _orders = new(count);
    private readonly Lock _lock = new();
    private readonly List<ExportCursor?> _reads = [];
    private int _failures = failures;

    /// <summary>The cursor of every read so far, in order (null: from the first row).</summary>
    public IReadOnlyList<ExportCursor?> Reads
    {
        get
        {
            lock (_lock)
            {
                return [.. _reads];
            }
        }
    }

    public Task<long> CountAsync(OrderExportFilter filter, DateTimeOffset before, CancellationToken cancellationToken) => _orders.CountAsync(filter, before, cancellationToken);

    public Task<IReadOnlyList<OrderExportRow>> ReadAsync(OrderExportFilter filter, DateTimeOffset before, ExportCursor? after, int max, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _reads.Add(after);
            if (_failures > 0)
            {
                _failures--;
                return Task.FromException<IReadOnlyList<OrderExportRow>>((failure ?? (() => new IOException("The database is away (test).")))());
            }
        }

        return _orders.ReadAsync(filter, before, after, max, cancellationToken);
    }
}
