namespace Grains.Customers;

/// <summary>
/// One customer, keyed by user id: their profile for the dashboard (case C2). Users live with the token issuer; the
/// shop knows a customer from their first order on, under the name that order was placed with.
/// </summary>
[Alias("commerce.customer")]
public interface ICustomerGrain : IGrainWithStringKey
{
    /// <summary>The profile, or null for a user who has never placed an order.</summary>
    /// <param name="cancellationToken">
    /// Orleans carries its cancellation to the grain: the call ends at once for the caller, a call still queued is
    /// dropped, and a profile read under way is cancelled.
    /// </param>
    [Alias("get-profile")]
    Task<CustomerProfile?> GetProfile(CancellationToken cancellationToken = default);
}

/// <param name="Since">When the shop first knew the customer: their first order.</param>
[GenerateSerializer, Immutable, Alias("commerce.CustomerProfile")]
public sealed record CustomerProfile(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] DateTimeOffset Since);
