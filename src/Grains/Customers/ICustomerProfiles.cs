namespace Grains.Customers;

/// <summary>
/// Where customers' profiles are kept: written by the orders' store as each order is placed (the <c>customers</c>
/// table in PostgreSQL, the stored orders in memory), read here. The order path pays nothing for the dashboard.
/// </summary>
public interface ICustomerProfiles
{
    Task<CustomerProfile?> FindAsync(string customerId, CancellationToken cancellationToken);
}
