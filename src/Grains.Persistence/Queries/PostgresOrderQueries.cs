using System.Text;
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
    public async Task<ListPage<OrderSummary, OrderPosition>> ListAsync(OrderListRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sql = new StringBuilder("""
            SELECT o.id, o.customer_id, c.name, o.status, o.total, o.item_count, o.created_at
            FROM orders o JOIN customers c ON c.id = o.customer_id
            """);
        await using var command = dataSource.CreateCommand();
        var conditions = new List<string>();
        void Condition(string format, params object[] values)
        {
            var names = values.Select(value =>
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
                return (object)$"${command.Parameters.Count}";
            }).ToArray();
            conditions.Add(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, names));
        }

        if (request.Status is { } status)
        {
            Condition("o.status = {0}", OrderStatusNames.Of(status));
        }

        if (request.CustomerId is { } customerId)
        {
            Condition("o.customer_id = {0}", customerId);
        }

        if (request.CreatedFrom is { } from)
        {
            Condition("o.created_at >= {0}", from.ToUniversalTime());
        }

        if (request.CreatedTo is { } to)
        {
            Condition("o.created_at < {0}", to.ToUniversalTime());
        }

        if (request.After is { } after)
        {
            Condition("(o.created_at, o.id) < ({0}, {1})", after.CreatedAt.ToUniversalTime(), after.Id);
        }

        if (conditions.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", conditions);
        }

        command.Parameters.Add(new NpgsqlParameter { Value = request.Limit + 1 });
        sql.Append($" ORDER BY o.created_at DESC, o.id DESC LIMIT ${command.Parameters.Count}");
        command.CommandText = sql.ToString();

        var items = new List<OrderSummary>(request.Limit + 1);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(new OrderSummary(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), OrderStatusNames.Parse(reader.GetString(3)),
                    reader.GetInt64(4), reader.GetInt32(5), reader.GetFieldValue<DateTimeOffset>(6)));
            }
        }

        return Paging.Page(items, request.Limit, last => new OrderPosition(last.CreatedAt, last.Id));
    }
}
