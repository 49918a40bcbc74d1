using Grains.Persistence.Queries;
using WebFrontend.Features.Payments;

namespace WebFrontend.Features.CustomerDashboard.Sources;

/// <summary>The payment of the customer's newest order, in one statement; null before any order, and as the fallback.</summary>
public sealed class PaymentStatusSource(IDashboardQueries queries) : DashboardSource<DashboardPaymentStatus?>(DashboardSources.PaymentStatus, isCritical: false)
{
    public override async Task<DashboardPaymentStatus?> FetchAsync(DashboardCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var latest = await queries.LatestPaymentAsync(caller.UserId, cancellationToken).ConfigureAwait(false);
        return latest is null
            ? null
            : new DashboardPaymentStatus(latest.OrderId, latest.PaymentId, PaymentStatusNames.Of(latest.Status), latest.Amount, latest.PaidAt?.UtcDateTime);
    }
}
