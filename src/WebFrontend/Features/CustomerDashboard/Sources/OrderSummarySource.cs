using Grains.Orders;
using Grains.Persistence.Queries;

namespace WebFrontend.Features.CustomerDashboard.Sources;

/// <summary>The customer's order counts by status and five newest orders, in one statement.</summary>
public sealed class OrderSummarySource(IDashboardQueries queries) : DashboardSource<DashboardOrderSummary>(DashboardSources.OrderSummary, isCritical: false)
{
    public const int RecentOrders = 5;

    public override DashboardOrderSummary Fallback => Of(new CustomerOrderSummary(new Dictionary<OrderStatus, int>(), []));

    public override async Task<DashboardOrderSummary> FetchAsync(DashboardCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return Of(await queries.OrderSummaryAsync(caller.UserId, RecentOrders, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Every status appears, in the order of the order's life, so a client reads a fixed shape.</summary>
    private static DashboardOrderSummary Of(CustomerOrderSummary summary)
    {
        var byStatus = Enum.GetValues<OrderStatus>().ToDictionary(OrderStatusNames.Of, status => summary.Counts.GetValueOrDefault(status), StringComparer.Ordinal);
        var recent = summary.Recent.Select(o => new DashboardOrder(o.Id, OrderStatusNames.Of(o.Status), o.Total, o.ItemCount, o.CreatedAt.UtcDateTime)).ToList();
        return new DashboardOrderSummary(summary.Counts.Values.Sum(), byStatus, recent);
    }
}
