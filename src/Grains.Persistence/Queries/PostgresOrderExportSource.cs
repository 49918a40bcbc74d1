using Grains.Exports;
using Grains.Orders;
using Npgsql;

namespace Grains.Persistence.Queries;

/// <summary>
/// The orders an export reads, one statement per batch on the silo's pool: oldest first by keyset on (created_at, id)
/// below the job's bound, which the orders' indexes serve read backwards for every filter (all orders, one customer's,
/// one status's), so batch 200 costs what batch 1 does; the customer's name joined in.
/// </summary>
public sealed class PostgresOrderExportSource(NpgsqlDataSource dataSource) : IOrderExportSource
{
    public async Task<long> CountAsync(OrderExportFilter filter, DateTimeOffset before, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var command = Command("SELECT count(*) FROM orders o", filter, before, after: null);
        return await Run(async () => (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<OrderExportRow>> ReadAsync(
        OrderExportFilter filter, DateTimeOffset before, ExportCursor? after, int max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var command = Command(
            "SELECT o.id, o.customer_id, c.name, o.status, o.total, o.currency, o.item_count, o.created_at FROM orders o JOIN customers c ON c.id = o.customer_id",
            filter, before, after);
        command.Parameters.Add(new NpgsqlParameter { Value = max });
        command.CommandText += $" ORDER BY o.created_at, o.id LIMIT ${command.Parameters.Count}";
        return await Run(async () =>
        {
            var rows = new List<OrderExportRow>(max);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(new OrderExportRow(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), OrderStatusNames.Parse(reader.GetString(3)),
                    reader.GetInt64(4), reader.GetString(5), reader.GetInt32(6), reader.GetFieldValue<DateTimeOffset>(7)));
            }

            return rows;
        }).ConfigureAwait(false);
    }

    /// <summary>The statement with the filters given (each combination its own preparable statement) and the job's bounds.</summary>
    private NpgsqlCommand Command(string select, OrderExportFilter filter, DateTimeOffset before, ExportCursor? after)
    {
        var command = dataSource.CreateCommand();
        var conditions = new List<string>();
        void Where(string condition, params object[] values)
        {
            var names = new object[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = values[i] });
                names[i] = $"${command.Parameters.Count}";
            }

            conditions.Add(string.Format(System.Globalization.CultureInfo.InvariantCulture, condition, names));
        }

        if (filter.Status is { } status)
        {
            Where("o.status = {0}", OrderStatusNames.Of(status));
        }

        if (filter.CustomerId is { } customerId)
        {
            Where("o.customer_id = {0}", customerId);
        }

        if (filter.CreatedFrom is { } from)
        {
            Where("o.created_at >= {0}", from.ToUniversalTime());
        }

        Where("o.created_at < {0}", before.ToUniversalTime());
        if (after is not null)
        {
            Where("(o.created_at, o.id) > ({0}, {1})", after.CreatedAt.ToUniversalTime(), after.Id);
        }

        command.CommandText = $"{select} WHERE {string.Join(" AND ", conditions)}";
        return command;
    }

    /// <summary>The database's refusals of a statement (not its absence) fail the job: running it again would be refused again.</summary>
    private static async Task<T> Run<T>(Func<Task<T>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (PostgresException exception) when (!exception.IsTransient)
        {
            throw new ExportFailedException($"The database refused the export's query ({exception.SqlState}).", exception);
        }
    }
}
