using Grains.Customers;
using Npgsql;

namespace Grains.Persistence.Stores;

/// <summary>A customer's profile from <c>customers</c>, the row the orders' store inserts with a customer's first order.</summary>
internal sealed class PostgresCustomerProfiles(NpgsqlDataSource dataSource) : ICustomerProfiles
{
    public async Task<CustomerProfile?> FindAsync(string customerId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT name, created_at FROM customers WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = customerId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new CustomerProfile(customerId, reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1))
            : null;
    }
}
