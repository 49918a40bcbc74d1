using Grains.Orders;
using Npgsql;

namespace Grains.Persistence.Queries;

/// <summary>
/// Order pages in one statement: newest first by keyset on (created_at, id), which the orders' indexes serve for
/// every filter; the customer's name joined in and the item count stored on the order, so a page never goes back
/// for more (the N+1 of case C6).
/// </summary>
public sealed class PostgresOrderQueries(NpgsqlDataSource dataSource) : IOrderQueries
{
    private const string Select = """
        SELECT o.id, o.customer_id, c.name, o.status, o.total, o.item_count, o.created_at
        FROM orders o JOIN customers c ON c.id = o.customer_id
        """;

    public async Task<ListPage<OrderSummary, OrderPosition>> ListAsync(OrderListRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var statement = new ListStatement(dataSource, Select);
        if (request.Status is { } status)
        {
            statement.Where("o.status = {0}", OrderStatusNames.Of(status));
        }

        if (request.CustomerId is { } customerId)
        {
            statement.Where("o.customer_id = {0}", customerId);
        }

        if (request.CreatedFrom is { } from)
        {
            statement.Where("o.created_at >= {0}", from.ToUniversalTime());
        }

        if (request.CreatedTo is { } to)
        {
            statement.Where("o.created_at < {0}", to.ToUniversalTime());
        }

        if (request.After is { } after)
        {
            statement.Where("(o.created_at, o.id) < ({0}, {1})", after.CreatedAt.ToUniversalTime(), after.Id);
        }

        return await statement.ReadPageAsync(
            "o.created_at DESC, o.id DESC",
            request.Limit,
            row => new OrderSummary(
                row.GetString(0), row.GetString(1), row.GetString(2), OrderStatusNames.Parse(row.GetString(3)),
                row.GetInt64(4), row.GetInt32(5), row.GetFieldValue<DateTimeOffset>(6)),
            last => new OrderPosition(last.CreatedAt, last.Id),
            cancellationToken).ConfigureAwait(false);
    }
}
