namespace Grains.Customers;

/// <summary>
/// A customer's profile, read from where the orders' store keeps it and held for <see cref="Freshness"/>, so a
/// dashboard opened again and again reads the database at most once a minute per customer. A profile not found yet
/// (no order so far) is asked for again on the next call: the first order may be placed at any moment.
/// </summary>
[Reentrant]
public sealed class CustomerGrain(ICustomerProfiles profiles, TimeProvider time) : Grain, ICustomerGrain
{
    /// <summary>
    /// How long a profile read is served: the name changes only when an order is placed under another one, and a
    /// dashboard a minute behind that is harmless.
    /// </summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromMinutes(1);

    private CustomerProfile? _profile;
    private DateTimeOffset _readAt;

    public async Task<CustomerProfile?> GetProfile()
    {
        var now = time.GetUtcNow();
        if (_profile is null || now - _readAt >= Freshness)
        {
            _profile = await profiles.FindAsync(this.GetPrimaryKeyString(), CancellationToken.None);
            _readAt = now;
        }

        return _profile;
    }
}
