using Grains.Persistence.Queries;

namespace WebFrontend.Features.CustomerDashboard.Sources;

/// <summary>The customer's ten newest events (orders placed, wallet credits and debits), newest first, in one statement.</summary>
public sealed class RecentActivitySource(IDashboardQueries queries) : DashboardSource<IReadOnlyList<DashboardActivity>>(DashboardSources.RecentActivity, isCritical: false)
{
    public const int Items = 10;

    public override IReadOnlyList<DashboardActivity> Fallback => [];

    public override async Task<IReadOnlyList<DashboardActivity>> FetchAsync(DashboardCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var items = await queries.RecentActivityAsync(caller.UserId, Items, cancellationToken).ConfigureAwait(false);
        return [.. items.Select(a => new DashboardActivity(KindName(a.Kind), a.Id, a.Amount, a.At.UtcDateTime))];
    }

    private static string KindName(ActivityKind kind) => kind switch
    {
        ActivityKind.OrderPlaced => "order_placed",
        ActivityKind.WalletCredit => "wallet_credit",
        ActivityKind.WalletDebit => "wallet_debit",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
