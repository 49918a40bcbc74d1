using Grains.Exports;
using Grains.Orders;
using Grains.Persistence.Storage;
using Grains.Products;

namespace Grains.Persistence.Queries;

/// <summary>
/// Lists for the embedded mode, whose commerce states live in memory: each page scans and sorts the stored snapshots.
/// Same contract as the PostgreSQL queries (keyset positions, filters), none of their cost model.
/// </summary>
public sealed class InMemoryQueries(InMemoryStateStore<ProductState> products, InMemoryStateStore<OrderState> orders, InMemoryWalletStore wallets)
    : IProductQueries, IOrderQueries, IWalletEntryQueries, IOrderExportSource
{
    public Task<ListPage<ProductSummary, ProductPosition>> ListAsync(ProductListRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var summaries = products.All()
            .Where(p => p.State.Exists)
            .Select(p => new ProductSummary(p.Key, p.State.Name, p.State.Price, p.State.Available, p.State.Version))
            .Where(p => request.Search is null || p.Name.Contains(request.Search, StringComparison.OrdinalIgnoreCase));
        var sorted = request.Sort switch
        {
            ProductSort.Price => summaries.OrderBy(p => p.Price).ThenBy(p => p.Id, StringComparer.Ordinal),
            ProductSort.PriceDescending => summaries.OrderByDescending(p => p.Price).ThenByDescending(p => p.Id, StringComparer.Ordinal),
            _ => summaries.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Id, StringComparer.Ordinal),
        };
        var page = sorted.Where(p => request.After is not { } after || IsAfter(p, after, request.Sort)).Take(request.Limit + 1).ToList();
        return Task.FromResult(Paging.Page(page, request.Limit, last => new ProductPosition(last.Name, last.Price, last.Id)));
    }

    public Task<ListPage<OrderSummary, OrderPosition>> ListAsync(OrderListRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var page = orders.All()
            .Where(o => o.State.Exists)
            .Select(o => new OrderSummary(o.Key, o.State.CustomerId, o.State.CustomerName, o.State.Status, o.State.Total, o.State.Items.Count, o.State.CreatedAt))
            .Where(o => (request.Status is null || o.Status == request.Status)
                && (request.CustomerId is null || o.CustomerId == request.CustomerId)
                && (request.CreatedFrom is null || o.CreatedAt >= request.CreatedFrom)
                && (request.CreatedTo is null || o.CreatedAt < request.CreatedTo)
                && (request.After is not { } after || o.CreatedAt < after.CreatedAt || (o.CreatedAt == after.CreatedAt && string.CompareOrdinal(o.Id, after.Id) < 0)))
            .OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id, StringComparer.Ordinal)
            .Take(request.Limit + 1)
            .ToList();
        return Task.FromResult(Paging.Page(page, request.Limit, last => new OrderPosition(last.CreatedAt, last.Id)));
    }

    public Task<ListPage<WalletEntrySummary, WalletEntryPosition>> ListAsync(WalletEntryListRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var page = wallets.Entries(request.UserId)
            .Select(e => new WalletEntrySummary(e.Reference, e.Entry.Amount, e.Entry.BalanceAfter, e.Entry.At))
            .Where(e => request.After is not { } after || e.At < after.At || (e.At == after.At && string.CompareOrdinal(e.Reference, after.Reference) < 0))
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Reference, StringComparer.Ordinal)
            .Take(request.Limit + 1)
            .ToList();
        return Task.FromResult(Paging.Page(page, request.Limit, last => new WalletEntryPosition(last.At, last.Reference)));
    }

    public Task<long> CountAsync(OrderExportFilter filter, DateTimeOffset before, CancellationToken cancellationToken)
        => Task.FromResult((long)Exported(filter, before, after: null).Count());

    public Task<IReadOnlyList<OrderExportRow>> ReadAsync(OrderExportFilter filter, DateTimeOffset before, ExportCursor? after, int max, CancellationToken cancellationToken)
        => Task.FromResult<IReadOnlyList<OrderExportRow>>(Exported(filter, before, after)
            .OrderBy(o => o.CreatedAt).ThenBy(o => o.Id, StringComparer.Ordinal)
            .Take(max)
            .ToList());

    private IEnumerable<OrderExportRow> Exported(OrderExportFilter filter, DateTimeOffset before, ExportCursor? after)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return orders.All()
            .Where(o => o.State.Exists)
            .Select(o => new OrderExportRow(o.Key, o.State.CustomerId, o.State.CustomerName, o.State.Status, o.State.Total, o.State.Currency, o.State.Items.Count, o.State.CreatedAt))
            .Where(o => (filter.Status is null || o.Status == filter.Status)
                && (filter.CustomerId is null || o.CustomerId == filter.CustomerId)
                && (filter.CreatedFrom is null || o.CreatedAt >= filter.CreatedFrom)
                && o.CreatedAt < before
                && (after is null || o.CreatedAt > after.CreatedAt || (o.CreatedAt == after.CreatedAt && string.CompareOrdinal(o.Id, after.Id) > 0)));
    }

    private static bool IsAfter(ProductSummary product, ProductPosition after, ProductSort sort) => sort switch
    {
        ProductSort.Price => product.Price > after.Price || (product.Price == after.Price && string.CompareOrdinal(product.Id, after.Id) > 0),
        ProductSort.PriceDescending => product.Price < after.Price || (product.Price == after.Price && string.CompareOrdinal(product.Id, after.Id) < 0),
        _ => string.CompareOrdinal(product.Name, after.Name) is var byName && (byName > 0 || (byName == 0 && string.CompareOrdinal(product.Id, after.Id) > 0)),
    };
}
