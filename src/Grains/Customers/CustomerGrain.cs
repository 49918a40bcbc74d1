namespace Grains.Customers;

/// <summary>
/// A customer's profile, read from where the orders' store keeps it and held for <see cref="Freshness"/>, so a
/// dashboard opened again and again reads the database at most once a minute per customer. A profile not found (no
/// order so far) is held as long: a user who never orders would otherwise cost a read per dashboard, and their first
/// order shows within a minute, as a new name does.
/// </summary>
[Reentrant]
public sealed class CustomerGrain(ICustomerProfiles profiles, TimeProvider time) : Grain, ICustomerGrain
{
    /// <summary>
    /// How long a profile read (or its absence) is served: the name changes only when an order is placed under another
    /// one, and a dashboard a minute behind that is harmless.
    /// </summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromMinutes(1);

    private CustomerProfile? _profile;
    private DateTimeOffset? _readAt;

    public async Task<CustomerProfile?> GetProfile(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        if (_readAt is not { } readAt || now - readAt >= Freshness)
        {
            // The caller's token: a dashboard that gave up (timeout, 503, the client went away) stops the read too.
            _profile = await profiles.FindAsync(this.GetPrimaryKeyString(), cancellationToken);
            _readAt = now;
        }

        return _profile;
    }
}
