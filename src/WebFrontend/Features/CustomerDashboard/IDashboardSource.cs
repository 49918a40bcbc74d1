using System.Security.Claims;

namespace WebFrontend.Features.CustomerDashboard;

/// <summary>Who the dashboard is for: the signed-in caller.</summary>
public sealed record DashboardCaller(string UserId, string DisplayName, ClaimsPrincipal User);

/// <summary>
/// One part of the customer dashboard, fetched concurrently with the others under its own timeout
/// (<see cref="CustomerDashboardFanOut"/>). A critical source that fails or times out fails the dashboard (503); any other is
/// answered by its <see cref="Fallback"/> and named in <c>degraded</c>. Registered as a service: a later registration
/// of a name replaces an earlier one.
/// </summary>
public interface IDashboardSource
{
    /// <summary>One of <see cref="DashboardSources"/>.</summary>
    string Name { get; }

    bool IsCritical { get; }

    /// <summary>The part's value; <paramref name="cancellationToken"/> is cancelled at the timeout or when the request ends.</summary>
    Task<object?> FetchAsync(DashboardCaller caller, CancellationToken cancellationToken);

    /// <summary>What a non-critical source answers when it fails.</summary>
    object? Fallback { get; }
}

/// <summary>A source of a typed part: what the response assembly casts back to.</summary>
public abstract class DashboardSource<T>(string name, bool isCritical) : IDashboardSource
{
    public string Name => name;

    public bool IsCritical => isCritical;

    public virtual T? Fallback => default;

    object? IDashboardSource.Fallback => Fallback;

    public abstract Task<T> FetchAsync(DashboardCaller caller, CancellationToken cancellationToken);

    async Task<object?> IDashboardSource.FetchAsync(DashboardCaller caller, CancellationToken cancellationToken)
        => await FetchAsync(caller, cancellationToken).ConfigureAwait(false);
}
