namespace WebFrontend.Features.CustomerDashboard;

/// <summary>The dashboard's sources by name: the response's fields, the names in <c>degraded</c>, the keys of <c>CustomerDashboard:Timeouts</c>.</summary>
public static class DashboardSources
{
    public const string User = "user";
    public const string Permissions = "permissions";
    public const string OrderSummary = "order_summary";
    public const string Wallet = "wallet";
    public const string PaymentStatus = "payment_status";
    public const string Notifications = "notifications";
    public const string RecentActivity = "recent_activity";

    public static IReadOnlyList<string> All { get; } = [User, Permissions, OrderSummary, Wallet, PaymentStatus, Notifications, RecentActivity];

    /// <summary>The names no registered source answers to.</summary>
    public static IReadOnlyList<string> Missing(IEnumerable<IDashboardSource> sources)
        => [.. All.Except(sources.Select(s => s.Name), StringComparer.Ordinal)];
}
