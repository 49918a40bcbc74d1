using Grains.Orders;
using Grains.Outbox;
using Grains.Persistence.Storage;
using Grains.Products;

namespace Grains.Persistence.Queries;

/// <summary>
/// Lists for the embedded mode, whose commerce states live in memory: each page scans and sorts the stored snapshots.
/// Same contract as the PostgreSQL queries (keyset positions, filters), none of their cost model.
/// </summary>
public sealed class InMemoryQueries(
    InMemoryStateStore<ProductState> products, InMemoryStateStore<OrderState> orders, InMemoryWalletStore wallets, InMemoryOutbox outbox)
    : IProductQueries, IOrderQueries, IWalletEntryQueries, IDashboardQueries
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

    public Task<CustomerOrderSummary> OrderSummaryAsync(string customerId, int recent, CancellationToken cancellationToken)
    {
        var theirs = OrdersOf(customerId);
        var counts = theirs.GroupBy(o => o.State.Status).ToDictionary(g => g.Key, g => g.Count());
        var newest = Newest(theirs).Take(recent)
            .Select(o => new RecentOrder(o.Key, o.State.Status, o.State.Total, o.State.Items.Count, o.State.CreatedAt))
            .ToList();
        return Task.FromResult(new CustomerOrderSummary(counts, newest));
    }

    public Task<LatestPayment?> LatestPaymentAsync(string customerId, CancellationToken cancellationToken)
    {
        var latest = Newest(OrdersOf(customerId).Where(o => o.State.PaymentId is not null)).FirstOrDefault();
        return Task.FromResult(latest.State is not { } order
            ? null
            : new LatestPayment(latest.Key, order.PaymentId!, OrderPaymentStatuses.Of(order.Status, order.RefundRequested), order.Total, order.PaidAt));
    }

    public Task<int> UnreadNotificationsAsync(string customerId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var keys = OrdersOf(customerId).Where(o => o.State.CreatedAt >= since)
            .SelectMany(o => new[] { OutboxEvents.PaidKeyPrefix + o.Key, OutboxEvents.EndedKeyPrefix + o.Key })
            .ToHashSet(StringComparer.Ordinal);
        return Task.FromResult(outbox.Messages.Count(m => keys.Contains(m.DedupeKey)));
    }

    public Task<IReadOnlyList<ActivityItem>> RecentActivityAsync(string customerId, int limit, CancellationToken cancellationToken)
    {
        var placed = OrdersOf(customerId).Select(o => new ActivityItem(ActivityKind.OrderPlaced, o.Key, o.State.Total, o.State.CreatedAt));
        var moved = wallets.Entries(customerId)
            .Select(e => new ActivityItem(e.Entry.Amount < 0 ? ActivityKind.WalletDebit : ActivityKind.WalletCredit, e.Reference, e.Entry.Amount, e.Entry.At));
        IReadOnlyList<ActivityItem> items = placed.Concat(moved)
            .OrderByDescending(a => a.At).ThenBy(a => a.Kind == ActivityKind.OrderPlaced ? 0 : 1).ThenByDescending(a => a.Id, StringComparer.Ordinal)
            .Take(limit)
            .ToList();
        return Task.FromResult(items);
    }

    private List<(string Key, OrderState State)> OrdersOf(string customerId)
        => [.. orders.All().Where(o => o.State.Exists && o.State.CustomerId == customerId)];

    private static IEnumerable<(string Key, OrderState State)> Newest(IEnumerable<(string Key, OrderState State)> orders)
        => orders.OrderByDescending(o => o.State.CreatedAt).ThenByDescending(o => o.Key, StringComparer.Ordinal);

    private static bool IsAfter(ProductSummary product, ProductPosition after, ProductSort sort) => sort switch
    {
        ProductSort.Price => product.Price > after.Price || (product.Price == after.Price && string.CompareOrdinal(product.Id, after.Id) > 0),
        ProductSort.PriceDescending => product.Price < after.Price || (product.Price == after.Price && string.CompareOrdinal(product.Id, after.Id) < 0),
        _ => string.CompareOrdinal(product.Name, after.Name) is var byName && (byName > 0 || (byName == 0 && string.CompareOrdinal(product.Id, after.Id) > 0)),
    };
}
