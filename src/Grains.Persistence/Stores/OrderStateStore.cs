using Grains.Orders;
using Npgsql;
using Runtime.Storage;

namespace Grains.Persistence.Stores;

/// <summary>
/// An order in <c>orders</c> and <c>order_items</c>, its customer in <c>customers</c>. The first write inserts the
/// customer (or refreshes its name), the order row and every item in one transaction; later writes change the order
/// row only (items never change once placed).
/// </summary>
internal sealed class OrderStateStore(NpgsqlDataSource dataSource) : IGrainStateStore<OrderState>
{
    private const string SelectOrder = """
        SELECT o.customer_id, c.name, o.status, o.subtotal, o.discount, o.total, o.currency, o.coupon_code,
               o.created_at, o.expires_at, o.updated_at, o.version, o.etag
        FROM orders o JOIN customers c ON c.id = o.customer_id
        WHERE o.id = $1
        """;

    public async Task<StoredState<OrderState>?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(GuardedWrite.Command(SelectOrder, key.GrainKey));
        batch.BatchCommands.Add(GuardedWrite.Command(
            "SELECT product_id, product_name, quantity, unit_price, line_total FROM order_items WHERE order_id = $1 ORDER BY line", key.GrainKey));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var state = new OrderState
        {
            Exists = true,
            CustomerId = reader.GetString(0),
            CustomerName = reader.GetString(1),
            Status = OrderStatusNames.Parse(reader.GetString(2)),
            Subtotal = reader.GetInt64(3),
            Discount = reader.GetInt64(4),
            Total = reader.GetInt64(5),
            Currency = reader.GetString(6),
            CouponCode = reader.IsDBNull(7) ? null : reader.GetString(7),
            CreatedAt = reader.GetFieldValue<DateTimeOffset>(8),
            ExpiresAt = reader.GetFieldValue<DateTimeOffset>(9),
            UpdatedAt = reader.GetFieldValue<DateTimeOffset>(10),
            Version = reader.GetInt64(11),
        };
        var etag = reader.GetInt64(12);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            state.Items.Add(new OrderLine(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3), reader.GetInt64(4)));
        }

        return new StoredState<OrderState>(state, etag);
    }

    // Not async: every command is built from the state before anything is awaited.
    public Task<long> WriteAsync(GrainStateKey key, int partition, OrderState state, long? expectedEtag, StorageFence? fence, CancellationToken cancellationToken)
    {
        var id = key.GrainKey;
        var status = OrderStatusNames.Of(state.Status);
        List<NpgsqlBatchCommand> commands;
        NpgsqlBatchCommand guarded;
        if (expectedEtag is null)
        {
            guarded = GuardedWrite.Guarded(
                """
                INSERT INTO orders (id, customer_id, status, subtotal, discount, total, currency, coupon_code, item_count,
                                    created_at, expires_at, updated_at, version, partition, etag)
                SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1 {fence} ON CONFLICT DO NOTHING
                """,
                fence, partition, "WHERE", id, state.CustomerId, status, state.Subtotal, state.Discount, state.Total, state.Currency, state.CouponCode,
                state.Items.Count, state.CreatedAt, state.ExpiresAt, state.UpdatedAt, state.Version, partition);
            commands = new List<NpgsqlBatchCommand>(2 + state.Items.Count)
            {
                // The customer first (the order references it); its name is the latest an order was placed under.
                GuardedWrite.Command(
                    "INSERT INTO customers (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name WHERE customers.name <> EXCLUDED.name",
                    state.CustomerId, state.CustomerName),
                guarded,
            };
            for (var line = 0; line < state.Items.Count; line++)
            {
                var item = state.Items[line];
                commands.Add(GuardedWrite.Command(
                    "INSERT INTO order_items (order_id, line, product_id, product_name, quantity, unit_price, line_total) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    id, line, item.ProductId, item.ProductName, item.Quantity, item.UnitPrice, item.LineTotal));
            }
        }
        else
        {
            guarded = GuardedWrite.Guarded(
                "UPDATE orders SET status = $2, updated_at = $3, version = $4, etag = etag + 1 WHERE id = $1 AND etag = $5 {fence}",
                fence, partition, "AND", id, status, state.UpdatedAt, state.Version, expectedEtag.Value);
            commands = [guarded];
        }

        return GuardedWrite.ExecuteAsync(
            dataSource, key, partition, expectedEtag, fence, guarded, commands,
            () => GuardedWrite.ScalarEtagAsync(dataSource, "SELECT etag FROM orders WHERE id = $1", id),
            cancellationToken);
    }

    public Task ClearAsync(GrainStateKey key, int partition, long expectedEtag, StorageFence? fence, CancellationToken cancellationToken)
        => GuardedWrite.ClearAsync(dataSource, "orders", "id", key.GrainKey, key, partition, expectedEtag, fence, cancellationToken);
}
