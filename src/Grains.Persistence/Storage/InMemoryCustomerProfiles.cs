using Grains.Customers;
using Grains.Orders;

namespace Grains.Persistence.Storage;

/// <summary>
/// The embedded mode's profiles, from the stored orders as the <c>customers</c> table would have them: known from
/// the first order (its time), named as the latest order was.
/// </summary>
public sealed class InMemoryCustomerProfiles(InMemoryStateStore<OrderState> orders) : ICustomerProfiles
{
    public Task<CustomerProfile?> FindAsync(string customerId, CancellationToken cancellationToken)
    {
        var theirs = orders.All().Select(o => o.State).Where(o => o.Exists && o.CustomerId == customerId).OrderBy(o => o.CreatedAt).ToList();
        return Task.FromResult(theirs.Count == 0 ? null : new CustomerProfile(customerId, theirs[^1].CustomerName, theirs[0].CreatedAt));
    }
}
