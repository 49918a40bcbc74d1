using WebFrontend.Auth;

namespace WebFrontend.Features.CustomerDashboard.Sources;

/// <summary>Critical: what the caller's roles permit (API.md "Roles and permissions"), sorted.</summary>
public sealed class PermissionsSource() : DashboardSource<IReadOnlyList<string>>(DashboardSources.Permissions, isCritical: true)
{
    public override Task<IReadOnlyList<string>> FetchAsync(DashboardCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return Task.FromResult(caller.User.GrantedPermissions());
    }
}
