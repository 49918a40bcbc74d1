using Grains.Customers;
using Microsoft.Extensions.DependencyInjection;

namespace Grains.Tests;

/// <summary>
/// The customer grain holds a profile read, and the absence of one (a user without orders), for
/// <see cref="CustomerGrain.Freshness"/> on the grain clock: a dashboard opened again and again reads the store once.
/// </summary>
public sealed class CustomerGrainTests : IAsyncLifetime
{
    private readonly CountingProfiles _profiles = new();
    private CommerceCluster _commerce = null!;

    public async Task InitializeAsync()
        => _commerce = await CommerceCluster.StartAsync(services: services => services.AddSingleton<ICustomerProfiles>(_profiles));

    public async Task DisposeAsync() => await _commerce.DisposeAsync();

    private ICustomerGrain Customer(string id) => _commerce.Grains.GetGrain<ICustomerGrain>(id);

    [Fact]
    public async Task A_profile_is_read_once_per_freshness_period_and_the_next_read_shows_a_new_name()
    {
        var since = _commerce.Time.GetUtcNow();
        _profiles.Set(new CustomerProfile("alice", "Alice", since));

        Assert.Equal(new CustomerProfile("alice", "Alice", since), await Customer("alice").GetProfile());
        _profiles.Set(new CustomerProfile("alice", "Alice Nguyen", since));
        _commerce.Time.Advance(CustomerGrain.Freshness - TimeSpan.FromTicks(1));
        Assert.Equal(new CustomerProfile("alice", "Alice", since), await Customer("alice").GetProfile());
        Assert.Equal(1, _profiles.Reads("alice"));

        _commerce.Time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(new CustomerProfile("alice", "Alice Nguyen", since), await Customer("alice").GetProfile());
        Assert.Equal(2, _profiles.Reads("alice"));
    }

    [Fact]
    public async Task A_user_without_orders_is_read_once_per_freshness_period_too_and_their_first_order_shows_after_it()
    {
        Assert.Null(await Customer("bob").GetProfile());
        Assert.Null(await Customer("bob").GetProfile());
        _profiles.Set(new CustomerProfile("bob", "Bob", _commerce.Time.GetUtcNow()));
        _commerce.Time.Advance(CustomerGrain.Freshness - TimeSpan.FromTicks(1));
        Assert.Null(await Customer("bob").GetProfile());
        Assert.Equal(1, _profiles.Reads("bob"));

        _commerce.Time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal("Bob", (await Customer("bob").GetProfile())?.Name);
        Assert.Equal(2, _profiles.Reads("bob"));
    }

    /// <summary>Profiles a test sets, counting the reads per customer.</summary>
    private sealed class CountingProfiles : ICustomerProfiles
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, CustomerProfile> _profiles = new();
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _reads = new();

        public void Set(CustomerProfile profile) => _profiles[profile.Id] = profile;

        public int Reads(string customerId) => _reads.GetValueOrDefault(customerId);

        public Task<CustomerProfile?> FindAsync(string customerId, CancellationToken cancellationToken)
        {
            _reads.AddOrUpdate(customerId, 1, (_, reads) => reads + 1);
            return Task.FromResult(_profiles.GetValueOrDefault(customerId));
        }
    }
}
