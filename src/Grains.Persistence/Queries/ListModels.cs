using Grains.Orders;

namespace Grains.Persistence.Queries;

/// <summary>One page of a keyset-paginated list: the items, and where the next page starts (null: this is the last).</summary>
public sealed record ListPage<TItem, TPosition>(IReadOnlyList<TItem> Items, TPosition? Next) where TPosition : class;

public enum ProductSort
{
    Name,
    Price,
    PriceDescending,
}

/// <summary>Where a product page starts: after the product with this sort key (name or price) and id.</summary>
public sealed record ProductPosition(string Name, long Price, string Id);

/// <param name="Search">Case-insensitive substring of the name, or null.</param>
public sealed record ProductListRequest(ProductSort Sort, string? Search, int Limit, ProductPosition? After);

public sealed record ProductSummary(string Id, string Name, long Price, int StockAvailable, long Version);

/// <summary>Where an order page starts: after the order with this creation time and id (newest first).</summary>
public sealed record OrderPosition(DateTimeOffset CreatedAt, string Id);

/// <param name="CreatedTo">Exclusive.</param>
public sealed record OrderListRequest(
    OrderStatus? Status, string? CustomerId, DateTimeOffset? CreatedFrom, DateTimeOffset? CreatedTo, int Limit, OrderPosition? After);

public sealed record OrderSummary(string Id, string CustomerId, string CustomerName, OrderStatus Status, long Total, int ItemCount, DateTimeOffset CreatedAt);

/// <summary>Lists of products (case C1), read from the products' stored state rather than from their grains.</summary>
public interface IProductQueries
{
    Task<ListPage<ProductSummary, ProductPosition>> ListAsync(ProductListRequest request, CancellationToken cancellationToken);
}

/// <summary>Lists of orders with their customers' names and item counts in one read (cases C1 and C6).</summary>
public interface IOrderQueries
{
    Task<ListPage<OrderSummary, OrderPosition>> ListAsync(OrderListRequest request, CancellationToken cancellationToken);
}

/// <summary>Where a page of a wallet's history starts: after the movement made at this time with this reference (newest first).</summary>
public sealed record WalletEntryPosition(DateTimeOffset At, string Reference);

public sealed record WalletEntryListRequest(string UserId, int Limit, WalletEntryPosition? After);

/// <param name="Amount">Positive for a credit, negative for a debit.</param>
public sealed record WalletEntrySummary(string Reference, long Amount, long BalanceAfter, DateTimeOffset At);

/// <summary>A wallet's movements, newest first, read from the store: the wallet's grain holds only its recent references.</summary>
public interface IWalletEntryQueries
{
    Task<ListPage<WalletEntrySummary, WalletEntryPosition>> ListAsync(WalletEntryListRequest request, CancellationToken cancellationToken);
}
