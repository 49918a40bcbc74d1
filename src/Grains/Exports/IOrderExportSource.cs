using Grains.Orders;

namespace Grains.Exports;

/// <summary>
/// The orders an export reads, oldest first, in keyset batches on (created_at, id): the <c>orders</c> table, or the
/// embedded mode's memory. Every read is bounded above by a time fixed when the job started, so orders placed while
/// it runs do not stretch it, and a batch after the last row read is the same whichever silo asks.
/// </summary>
public interface IOrderExportSource
{
    /// <summary>How many orders match <paramref name="filter"/> created before <paramref name="before"/>.</summary>
    Task<long> CountAsync(OrderExportFilter filter, DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>At most <paramref name="max"/> matching orders created before <paramref name="before"/>, after <paramref name="after"/> (null: from the first).</summary>
    Task<IReadOnlyList<OrderExportRow>> ReadAsync(OrderExportFilter filter, DateTimeOffset before, ExportCursor? after, int max, CancellationToken cancellationToken);
}

/// <summary>One line of the file.</summary>
public sealed record OrderExportRow(
    string Id, string CustomerId, string CustomerName, OrderStatus Status, long Total, string Currency, int ItemCount, DateTimeOffset CreatedAt);

/// <summary>Where a batch starts: after the order with this creation time and id.</summary>
public sealed record ExportCursor(DateTimeOffset CreatedAt, string Id);

/// <summary>A failure that trying again cannot fix (a statement the database refuses, a row the file cannot hold): the job fails with its message, which its owner sees, so it is a fixed text without paths or values.</summary>
public sealed class ExportFailedException(string message, Exception? inner = null) : Exception(message, inner);
