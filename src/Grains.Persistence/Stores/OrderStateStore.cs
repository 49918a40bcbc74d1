using Grains.Orders;
using Grains.Persistence.Storage;
using Npgsql;

namespace Grains.Persistence.Stores;

/// <summary>
/// An order in <c>orders</c> and <c>order_items</c>, its customer in <c>customers</c>. The first write inserts the
/// customer (or refreshes its name), the order row and every item in one transaction; later writes change the order
/// row only (items never change once placed). Events the order raised go to <c>outbox</c> in the same transaction.
/// </summary>
internal sealed class OrderStateStore(NpgsqlDataSource dataSource, SharedTransactionWriter writer) : IGrainStateStore<OrderState>
{
    private const string SelectOrder = """
        SELECT o.customer_id, c.name, o.status, o.subtotal, o.discount, o.total, o.currency, o.coupon_code,
               o.created_at, o.expires_at, o.updated_at, o.version, o.payment_id, o.pay_url, o.payment_transaction_no,
               o.paid_at, o.refund_requested, o.etag
        FROM orders o JOIN customers c ON c.id = o.customer_id
        WHERE o.id = $1
        """;

    public Task<StoredState<OrderState>?> ReadAsync(string grainKey, CancellationToken cancellationToken)
        => GuardedRead.ReadAsync(
            dataSource,
            grainKey,
            SelectOrder,
            "SELECT product_id, product_name, quantity, unit_price, line_total FROM order_items WHERE order_id = $1 ORDER BY line",
            row => new OrderState
            {
                Exists = true,
                CustomerId = row.GetString(0),
                CustomerName = row.GetString(1),
                Status = OrderStatusNames.Parse(row.GetString(2)),
                Subtotal = row.GetInt64(3),
                Discount = row.GetInt64(4),
                Total = row.GetInt64(5),
                Currency = row.GetString(6),
                CouponCode = row.IsDBNull(7) ? null : row.GetString(7),
                CreatedAt = row.GetFieldValue<DateTimeOffset>(8),
                ExpiresAt = row.GetFieldValue<DateTimeOffset>(9),
                UpdatedAt = row.GetFieldValue<DateTimeOffset>(10),
                Version = row.GetInt64(11),
                PaymentId = row.IsDBNull(12) ? null : row.GetString(12),
                PayUrl = row.IsDBNull(13) ? null : row.GetString(13),
                PaymentTransactionNo = row.IsDBNull(14) ? null : row.GetString(14),
                PaidAt = row.IsDBNull(15) ? null : row.GetFieldValue<DateTimeOffset>(15),
                RefundRequested = row.GetBoolean(16),
            },
            (row, state) => state.Items.Add(new OrderLine(row.GetString(0), row.GetString(1), row.GetInt32(2), row.GetInt64(3), row.GetInt64(4))),
            cancellationToken);

    // Not async: every command is built from the state before anything is awaited.
    public Task<long> WriteAsync(string grainKey, OrderState state, long? expectedEtag, CancellationToken cancellationToken)
    {
        var id = grainKey;
        var status = OrderStatusNames.Of(state.Status);
        List<NpgsqlBatchCommand> commands;
        NpgsqlBatchCommand guarded;
        if (expectedEtag is null)
        {
            guarded = GuardedWrite.Command(
                """
                INSERT INTO orders (id, customer_id, status, subtotal, discount, total, currency, coupon_code, item_count,
                                    created_at, expires_at, updated_at, version, payment_id, pay_url, etag)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1) ON CONFLICT DO NOTHING
                """,
                id, state.CustomerId, status, state.Subtotal, state.Discount, state.Total, state.Currency, state.CouponCode,
                state.Items.Count, state.CreatedAt, state.ExpiresAt, state.UpdatedAt, state.Version, state.PaymentId, state.PayUrl);
            commands = new List<NpgsqlBatchCommand>(2 + state.Items.Count)
            {
                // The customer first (the order references it); its name is the latest an order was placed under, and
                // created_at its first order's time, as the embedded mode has it (not the DB's clock at the write: the
                // dashboard's member_since). LEAST keeps the first even when orders placed at once are written out of turn.
                GuardedWrite.Command(
                    """
                    INSERT INTO customers (id, name, created_at) VALUES ($1, $2, $3)
                    ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, created_at = LEAST(customers.created_at, EXCLUDED.created_at)
                    WHERE customers.name <> EXCLUDED.name OR customers.created_at > EXCLUDED.created_at
                    """,
                    state.CustomerId, state.CustomerName, state.CreatedAt),
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
            guarded = GuardedWrite.Command(
                """
                UPDATE orders SET status = $2, updated_at = $3, version = $4, payment_transaction_no = $5, paid_at = $6,
                                  refund_requested = $7, etag = etag + 1
                WHERE id = $1 AND etag = $8
                """,
                id, status, state.UpdatedAt, state.Version, state.PaymentTransactionNo, state.PaidAt, state.RefundRequested,
                expectedEtag.Value);
            commands = [guarded];
        }

        OutboxWrites.AddTo(commands, state.RaisedEvents);

        return GuardedWrite.ExecuteAsync(writer, "orders", id, expectedEtag, guarded, commands, "SELECT etag FROM orders WHERE id = $1", cancellationToken);
    }

    public Task ClearAsync(string grainKey, long expectedEtag, CancellationToken cancellationToken)
        => GuardedWrite.ClearAsync(dataSource, "orders", "id", grainKey, expectedEtag, cancellationToken);
}
