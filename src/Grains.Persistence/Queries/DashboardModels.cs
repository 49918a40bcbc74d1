using Grains.Orders;

namespace Grains.Persistence.Queries;

public sealed record RecentOrder(string Id, OrderStatus Status, long Total, int ItemCount, DateTimeOffset CreatedAt);

/// <param name="Counts">Every status the customer has orders in, with how many.</param>
/// <param name="Recent">Their newest orders, newest first.</param>
public sealed record CustomerOrderSummary(IReadOnlyDictionary<OrderStatus, int> Counts, IReadOnlyList<RecentOrder> Recent);

/// <summary>The payment of the customer's newest order (every order opens one), its status as the order shows it.</summary>
public sealed record LatestPayment(string OrderId, string PaymentId, OrderPaymentStatus Status, long Amount, DateTimeOffset? PaidAt);

public enum ActivityKind
{
    OrderPlaced,
    WalletCredit,
    WalletDebit,
}

/// <param name="Id">The order's id, or the wallet movement's reference.</param>
/// <param name="Amount">The order's total, or the movement's amount (negative for a debit).</param>
public sealed record ActivityItem(ActivityKind Kind, string Id, long Amount, DateTimeOffset At);

/// <summary>
/// What the customer dashboard reads from the stored states (case C2): each a single statement on the indexes the
/// lists use, never a read per order.
/// </summary>
public interface IDashboardQueries
{
    /// <summary>The customer's order counts by status and their <paramref name="recent"/> newest orders.</summary>
    Task<CustomerOrderSummary> OrderSummaryAsync(string customerId, int recent, CancellationToken cancellationToken);

    Task<LatestPayment?> LatestPaymentAsync(string customerId, CancellationToken cancellationToken);

    /// <summary>
    /// The mails the shop sent the customer (order paid, order expired or cancelled: their outbox events) about the
    /// orders they placed from <paramref name="since"/> on. There is no read receipt: every such mail counts as unread.
    /// </summary>
    Task<int> UnreadNotificationsAsync(string customerId, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>The customer's newest orders placed and wallet movements, merged newest first, <paramref name="limit"/> in all.</summary>
    Task<IReadOnlyList<ActivityItem>> RecentActivityAsync(string customerId, int limit, CancellationToken cancellationToken);
}
