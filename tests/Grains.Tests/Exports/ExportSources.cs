using Commerce.Testing;
using Grains.Exports;
using Grains.Orders;

namespace Grains.Tests.Exports;

/// <summary>
/// <paramref name="count"/> orders made up on the fly, one a millisecond from 2025-01-01, ids ord-0000000…: a data set
/// big enough for several parts without storing it.
/// </summary>
internal sealed class GeneratedOrders(int count) : IOrderExportSource
{
    public static readonly DateTimeOffset First = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static string IdOf(int i) => $"ord-{i:D7}";

    public Task<long> CountAsync(OrderExportFilter filter, DateTimeOffset before, CancellationToken cancellationToken) => Task.FromResult((long)count);

    public Task<IReadOnlyList<OrderExportRow>> ReadAsync(OrderExportFilter filter, DateTimeOffset before, ExportCursor? after, int max, CancellationToken cancellationToken)
    {
        var from = after is null ? 0 : int.Parse(after.Id[4..], System.Globalization.CultureInfo.InvariantCulture) + 1;
        IReadOnlyList<OrderExportRow> rows = [.. Enumerable.Range(from, Math.Max(0, Math.Min(max, count - from))).Select(Row)];
        return Task.FromResult(rows);
    }

    private static OrderExportRow Row(int i)
        => new(IdOf(i), $"customer-{i % 977}", $"Customer {i % 977}", OrderStatus.Paid, 100_000 + i, "VND", 1 + (i % 5), First.AddMilliseconds(i));
}

/// <summary>Orders whose reads wait at a gate the test opens: jobs held mid-run, to see the slots and cancels.</summary>
internal sealed class GatedOrders(int count) : IOrderExportSource
{
    private readonly GeneratedOrders _orders = new(count);
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private readonly List<(int Readers, TaskCompletionSource Reached)> _waiters = [];
    private int _readers;

    /// <summary>The most reads in progress at once.</summary>
    public int MostReaders { get; private set; }

    public void Open() => _gate.TrySetResult();

    /// <summary>Completes once <paramref name="readers"/> reads wait at the gate (or have passed it) at once.</summary>
    public Task Waiting(int readers)
    {
        lock (_lock)
        {
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (MostReaders >= readers)
            {
                reached.SetResult();
            }
            else
            {
                _waiters.Add((readers, reached));
            }

            return reached.Task;
        }
    }

    public Task<long> CountAsync(OrderExportFilter filter, DateTimeOffset before, CancellationToken cancellationToken) => _orders.CountAsync(filter, before, cancellationToken);

    public async Task<IReadOnlyList<OrderExportRow>> ReadAsync(OrderExportFilter filter, DateTimeOffset before, ExportCursor? after, int max, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            MostReaders = Math.Max(MostReaders, ++_readers);
            foreach (var waiter in _waiters.Where(w => w.Readers <= MostReaders).ToList())
            {
                waiter.Reached.SetResult();
                _waiters.Remove(waiter);
            }
        }

        try
        {
            await _gate.Task.WaitAsync(cancellationToken);
            return await _orders.ReadAsync(filter, before, after, max, cancellationToken);
        }
        finally
        {
            lock (_lock)
            {
                _readers--;
            }
        }
    }
}

/// <summary>A database that refuses the export's statement.</summary>
internal sealed class RefusingOrders : IOrderExportSource
{
    public const string Reason = "The database refused the export's query (42501).";

    public Task<long> CountAsync(OrderExportFilter filter, DateTimeOffset before, CancellationToken cancellationToken) => Task.FromResult(10L);

    public Task<IReadOnlyList<OrderExportRow>> ReadAsync(OrderExportFilter filter, DateTimeOffset before, ExportCursor? after, int max, CancellationToken cancellationToken)
        => Task.FromException<IReadOnlyList<OrderExportRow>>(new ExportFailedException(Reason));
}

/// <summary>Holds a job after it wrote part <paramref name="part"/>, before its checkpoint, until the activation goes: a crash between the two.</summary>
internal sealed class StopAfterPart(int part) : IExportJobFaults
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _fired;

    public Task Reached => _reached.Task;

    public async ValueTask PartWritten(string jobId, int partNumber, CancellationToken cancellationToken)
    {
        if (partNumber == part && Interlocked.Exchange(ref _fired, 1) == 0)
        {
            _reached.SetResult();
            await ClockSignals.Never.WaitAsync(cancellationToken);
        }
    }
}
