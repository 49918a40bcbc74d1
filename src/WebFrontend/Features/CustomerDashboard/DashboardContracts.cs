using System.ComponentModel;
using WebFrontend.Http;

namespace WebFrontend.Features.CustomerDashboard;

/// <summary>The signed-in customer's dashboard; <see cref="Degraded"/> names the parts that show their defaults.</summary>
public sealed record DashboardResponse(
    DashboardUser User,
    IReadOnlyList<string> Permissions,
    DashboardOrderSummary OrderSummary,
    DashboardWallet? Wallet,
    DashboardPaymentStatus? PaymentStatus,
    DashboardNotifications Notifications,
    IReadOnlyList<DashboardActivity> RecentActivity,
    IReadOnlyList<string> Degraded);

/// <param name="MemberSince">When the shop first knew the customer (their first order); null before any.</param>
public sealed record DashboardUser(string Id, string Name, DateTime? MemberSince);

/// <param name="Total">All the customer's orders.</param>
/// <param name="ByStatus">Every order status with how many of the customer's orders are in it.</param>
/// <param name="Recent">The five newest orders, newest first.</param>
public sealed record DashboardOrderSummary(int Total, IReadOnlyDictionary<string, int> ByStatus, IReadOnlyList<DashboardOrder> Recent);

public sealed record DashboardOrder(string Id, string Status, [property: Description(Amounts.Description)] long Total, int ItemCount, DateTime CreatedAt);

/// <summary>Null when the customer has no wallet.</summary>
public sealed record DashboardWallet([property: Description(Amounts.Description)] long Balance, string Currency);

/// <summary>The payment of the customer's newest order; null before any order.</summary>
/// <param name="Status">PENDING, SUCCEEDED, REFUND_REQUIRED or CLOSED.</param>
public sealed record DashboardPaymentStatus(string OrderId, string PaymentId, string Status, [property: Description(Amounts.Description)] long Amount, DateTime? PaidAt);

/// <param name="Unread">The mails sent to the customer about the orders they placed within `CustomerDashboard:NotificationWindow` (no read receipts exist: each counts as unread).</param>
public sealed record DashboardNotifications(int Unread);

/// <param name="Kind">order_placed, wallet_credit or wallet_debit.</param>
/// <param name="Id">The order's id, or the wallet movement's reference.</param>
/// <param name="Amount">The order's total, or the movement's amount (negative for a debit), in whole đồng.</param>
public sealed record DashboardActivity(string Kind, string Id, long Amount, DateTime At);
