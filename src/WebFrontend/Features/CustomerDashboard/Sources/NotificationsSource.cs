using Grains.Persistence.Queries;
using Microsoft.Extensions.Options;

namespace WebFrontend.Features.CustomerDashboard.Sources;

/// <summary>
/// The customer's unread notifications, in one statement: the mails the shop sent them (each order's paid, expired or
/// cancelled event in the outbox) about the orders they placed within <c>CustomerDashboard:NotificationWindow</c>. There is
/// no read receipt, so each counts as unread; the window keeps the count to what the outbox still holds.
/// </summary>
public sealed class NotificationsSource(IDashboardQueries queries, IOptions<CustomerDashboardOptions> options, TimeProvider time)
    : DashboardSource<DashboardNotifications>(DashboardSources.Notifications, isCritical: false)
{
    public override DashboardNotifications Fallback => new(0);

    public override async Task<DashboardNotifications> FetchAsync(DashboardCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var since = time.GetUtcNow() - options.Value.NotificationWindow;
        return new DashboardNotifications(await queries.UnreadNotificationsAsync(caller.UserId, since, cancellationToken).ConfigureAwait(false));
    }
}
