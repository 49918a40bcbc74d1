using Grains.Products;
using Grains.Persistence.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Grains.Persistence.Stores;

/// <summary>
/// A product in <c>products</c>, its holds in <c>product_holds</c>. A write updates the product row and touches only
/// the holds that changed since the last write, so a batch of reservations on a hot product is one row update plus
/// one insert per new hold, whatever the number of holds outstanding. Committed holds are sales: their rows stay, and
/// a read loads only those still within <see cref="CommerceOptions.SaleMemory"/>, so a best seller loads its open
/// holds and its recent sales, not its history. A product on a flash sale also has one row per buyer in
/// <c>product_sale_buyers</c>, the units that buyer holds or bought, written with the holds that change it.
/// </summary>
internal sealed class ProductStateStore(NpgsqlDataSource dataSource, SharedTransactionWriter writer, IOptions<CommerceOptions> options, TimeProvider time) : IGrainStateStore<ProductState>
{
    public Task<StoredState<ProductState>?> ReadAsync(string grainKey, CancellationToken cancellationToken)
        => GuardedRead.ReadAsync(
            dataSource,
            [grainKey],
            "SELECT name, price, available, version, created_at, updated_at, hold_sweep_scheduled, sale_starts_at, sale_ends_at, sale_per_buyer_limit, sale_stock, etag FROM products WHERE id = $1",
            row => new ProductState
            {
                Exists = true,
                Name = row.GetString(0),
                Price = row.GetInt64(1),
                Available = row.GetInt32(2),
                Version = row.GetInt64(3),
                CreatedAt = row.GetFieldValue<DateTimeOffset>(4),
                UpdatedAt = row.GetFieldValue<DateTimeOffset>(5),
                HoldSweepScheduled = row.GetBoolean(6),
                Sale = row.IsDBNull(7)
                    ? null
                    : new FlashSale(row.GetFieldValue<DateTimeOffset>(7), row.GetFieldValue<DateTimeOffset>(8), row.GetInt32(9), row.GetInt32(10)),
            },
            cancellationToken,
            new ChildRows<ProductState>(
                "SELECT order_id, quantity, unit_price, hold_until, committed, customer_id FROM product_holds WHERE product_id = $1 AND (NOT committed OR hold_until > $2)",
                [grainKey, time.GetUtcNow() - options.Value.SaleMemory],
                (row, state) => (row.GetBoolean(4) ? state.Sales : state.Holds)[row.GetString(0)] = new ProductHold
                {
                    Quantity = row.GetInt32(1),
                    UnitPrice = row.GetInt64(2),
                    HoldUntil = row.GetFieldValue<DateTimeOffset>(3),
                    BuyerId = row.IsDBNull(5) ? null : row.GetString(5),
                }),
            new ChildRows<ProductState>(
                "SELECT customer_id, units FROM product_sale_buyers WHERE product_id = $1",
                [grainKey],
                (row, state) => state.BuyerUnits[row.GetString(0)] = row.GetInt32(1)));

    // Not async: every command is built from the state before anything is awaited.
    public Task<long> WriteAsync(string grainKey, ProductState state, long? expectedEtag, CancellationToken cancellationToken)
    {
        var id = grainKey;
        var sale = state.Sale;
        var guarded = expectedEtag is null
            ? GuardedWrite.Command(
                "INSERT INTO products (id, name, price, available, version, created_at, updated_at, hold_sweep_scheduled, sale_starts_at, sale_ends_at, sale_per_buyer_limit, sale_stock, etag) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1) ON CONFLICT DO NOTHING",
                id, state.Name, state.Price, state.Available, state.Version, state.CreatedAt, state.UpdatedAt, state.HoldSweepScheduled, sale?.StartsAt, sale?.EndsAt, sale?.PerBuyerLimit, sale?.Stock)
            : GuardedWrite.Command(
                "UPDATE products SET name = $2, price = $3, available = $4, version = $5, updated_at = $6, hold_sweep_scheduled = $7, sale_starts_at = $8, sale_ends_at = $9, sale_per_buyer_limit = $10, sale_stock = $11, etag = etag + 1 WHERE id = $1 AND etag = $12",
                id, state.Name, state.Price, state.Available, state.Version, state.UpdatedAt, state.HoldSweepScheduled, sale?.StartsAt, sale?.EndsAt, sale?.PerBuyerLimit, sale?.Stock, expectedEtag.Value);
        var commands = new List<NpgsqlBatchCommand>(1 + state.ChangedHolds.Count + state.ChangedBuyers.Count) { guarded };
        foreach (var (orderId, (change, hold)) in state.ChangedHolds)
        {
            commands.Add(change switch
            {
                HoldChange.Held => GuardedWrite.Command(
                    "INSERT INTO product_holds (product_id, order_id, quantity, unit_price, hold_until, customer_id) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (product_id, order_id) DO UPDATE SET quantity = EXCLUDED.quantity, unit_price = EXCLUDED.unit_price, hold_until = EXCLUDED.hold_until, customer_id = EXCLUDED.customer_id, committed = false",
                    id, orderId, hold.Quantity, hold.UnitPrice, hold.HoldUntil, hold.BuyerId),
                HoldChange.Released => GuardedWrite.Command(
                    "DELETE FROM product_holds WHERE product_id = $1 AND order_id = $2", id, orderId),

                // Upserted, not updated: the hold may have been taken and committed within one batch.
                _ => GuardedWrite.Command(
                    "INSERT INTO product_holds (product_id, order_id, quantity, unit_price, hold_until, customer_id, committed) VALUES ($1, $2, $3, $4, $5, $6, true) ON CONFLICT (product_id, order_id) DO UPDATE SET committed = true, customer_id = EXCLUDED.customer_id",
                    id, orderId, hold.Quantity, hold.UnitPrice, hold.HoldUntil, hold.BuyerId),
            });
        }

        // A buyer's count as it is now (not a delta): the product row's ETag makes this write the only one since the read.
        foreach (var buyerId in state.ChangedBuyers)
        {
            commands.Add(state.BuyerUnits.TryGetValue(buyerId, out var units)
                ? GuardedWrite.Command(
                    "INSERT INTO product_sale_buyers (product_id, customer_id, units) VALUES ($1, $2, $3) ON CONFLICT (product_id, customer_id) DO UPDATE SET units = EXCLUDED.units",
                    id, buyerId, units)
                : GuardedWrite.Command("DELETE FROM product_sale_buyers WHERE product_id = $1 AND customer_id = $2", id, buyerId));
        }

        return GuardedWrite.ExecuteAsync(writer, "products", id, expectedEtag, guarded, commands, "SELECT etag FROM products WHERE id = $1", cancellationToken);
    }

    public Task ClearAsync(string grainKey, long expectedEtag, CancellationToken cancellationToken)
        => GuardedWrite.ClearAsync(dataSource, "products", "id", grainKey, expectedEtag, cancellationToken);
}
