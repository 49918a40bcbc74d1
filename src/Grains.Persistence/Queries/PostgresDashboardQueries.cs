using Grains.Orders;
using Grains.Outbox;
using Npgsql;

namespace Grains.Persistence.Queries;

/// <summary>
/// The dashboard's reads, one statement each, all served by the customer's index on orders
/// (<c>orders_by_customer</c>), the wallet history's (<c>wallet_entries_by_time</c>) and the outbox's unique dedupe
/// key: what they cost grows with the customer's own rows, never with the tables.
/// </summary>
public sealed class PostgresDashboardQueries(NpgsqlDataSource dataSource) : IDashboardQueries
{
    /// <summary>
    /// Counts (rows without an id) and the newest orders (rows with one), in one round trip. UNION ALL promises no
    /// order across its rows, so the outer ORDER BY sorts the page as the LIMIT chose it, by the database's collation
    /// (the counts, without a time, last); the reader keeps that order.
    /// </summary>
    public const string OrderSummarySql = """
        SELECT status, count(*)::integer, NULL::text, NULL::bigint, NULL::integer, NULL::timestamptz
        FROM orders WHERE customer_id = $1 GROUP BY status
        UNION ALL
        (SELECT status, NULL, id, total, item_count, created_at
         FROM orders WHERE customer_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2)
        ORDER BY 6 DESC NULLS LAST, 3 DESC
        """;

    public const string LatestPaymentSql = """
        SELECT id, payment_id, status, refund_requested, total, paid_at
        FROM orders WHERE customer_id = $1 AND payment_id IS NOT NULL
        ORDER BY created_at DESC, id DESC LIMIT 1
        """;

    /// <summary>An order's customer mails are found by their dedupe keys (the outbox's unique index), not by scanning the outbox.</summary>
    public const string UnreadNotificationsSql = $"""
        SELECT count(*)::integer
        FROM orders o JOIN outbox e ON e.dedupe_key IN ('{OutboxEvents.PaidKeyPrefix}' || o.id, '{OutboxEvents.EndedKeyPrefix}' || o.id)
        WHERE o.customer_id = $1 AND o.created_at >= $2
        """;

    /// <summary>Each branch takes its newest rows from its own index; the merge keeps the newest of both.</summary>
    public const string RecentActivitySql = """
        (SELECT 'order' AS kind, id, total AS amount, created_at
         FROM orders WHERE customer_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2)
        UNION ALL
        (SELECT 'wallet', reference, amount, created_at
         FROM wallet_entries WHERE user_id = $1 ORDER BY created_at DESC, reference DESC LIMIT $2)
        ORDER BY created_at DESC, kind, id DESC
        LIMIT $2
        """;

    public async Task<CustomerOrderSummary> OrderSummaryAsync(string customerId, int recent, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<OrderStatus, int>();
        var orders = new List<RecentOrder>(recent);
        await using var command = Command(OrderSummarySql, customerId, recent);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var status = OrderStatusNames.Parse(reader.GetString(0));
            if (reader.IsDBNull(2))
            {
                counts[status] = reader.GetInt32(1);
            }
            else
            {
                orders.Add(new RecentOrder(reader.GetString(2), status, reader.GetInt64(3), reader.GetInt32(4), reader.GetFieldValue<DateTimeOffset>(5)));
            }
        }

        return new CustomerOrderSummary(counts, orders);
    }

    public async Task<LatestPayment?> LatestPaymentAsync(string customerId, CancellationToken cancellationToken)
    {
        await using var command = Command(LatestPaymentSql, customerId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var status = OrderPaymentStatuses.Of(OrderStatusNames.Parse(reader.GetString(2)), reader.GetBoolean(3));
        return new LatestPayment(reader.GetString(0), reader.GetString(1), status, reader.GetInt64(4),
            reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5));
    }

    public async Task<int> UnreadNotificationsAsync(string customerId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var command = Command(UnreadNotificationsSql, customerId, since.ToUniversalTime());
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<IReadOnlyList<ActivityItem>> RecentActivityAsync(string customerId, int limit, CancellationToken cancellationToken)
    {
        var items = new List<ActivityItem>(limit);
        await using var command = Command(RecentActivitySql, customerId, limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var amount = reader.GetInt64(2);
            var kind = reader.GetString(0) == "order" ? ActivityKind.OrderPlaced : amount < 0 ? ActivityKind.WalletDebit : ActivityKind.WalletCredit;
            items.Add(new ActivityItem(kind, reader.GetString(1), amount, reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return items;
    }

    private NpgsqlCommand Command(string sql, params object[] values)
    {
        var command = dataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
