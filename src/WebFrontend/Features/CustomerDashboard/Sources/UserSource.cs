using Grains.Customers;

namespace WebFrontend.Features.CustomerDashboard.Sources;

/// <summary>Critical: the customer's profile from their customer grain; before their first order, the token's name.</summary>
public sealed class UserSource(IGrainFactory grains) : DashboardSource<DashboardUser>(DashboardSources.User, isCritical: true)
{
    public override async Task<DashboardUser> FetchAsync(DashboardCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var profile = await grains.GetGrain<ICustomerGrain>(caller.UserId).GetProfile(cancellationToken).ConfigureAwait(false);
        return new DashboardUser(caller.UserId, profile?.Name ?? caller.DisplayName, profile?.Since.UtcDateTime);
    }
}
