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
/// holds and its recent sales, not its history.
/// </summary>
internal sealed class ProductStateStore(NpgsqlDataSource dataSource, SharedTransactionWriter writer, IOptions<CommerceOptions> options, TimeProvider time) : IGrainStateStore<ProductState>
{
    public Task<StoredState<ProductState>?> ReadAsync(string grainKey, CancellationToken cancellationToken)
        => GuardedRead.ReadAsync(
            dataSource,
            grainKey,
            "SELECT name, price, available, version, created_at, updated_at, hold_sweep_scheduled, etag FROM products WHERE id = $1",
            "SELECT order_id, quantity, unit_price, hold_until, committed FROM product_holds WHERE product_id = $1 AND (NOT committed OR hold_until > $2)",
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
            },
            (row, state) => (row.GetBoolean(4) ? state.Sales : state.Holds)[row.GetString(0)] = new ProductHold
            {
                Quantity = row.GetInt32(1),
                UnitPrice = row.GetInt64(2),
                HoldUntil = row.GetFieldValue<DateTimeOffset>(3),
            },
            cancellationToken,
            time.GetUtcNow() - options.Value.SaleMemory);

    // Not async: every command is built from the state before anything is awaited.
    public Task<long> WriteAsync(string grainKey, ProductState state, long? expectedEtag, CancellationToken cancellationToken)
    {
        var id = grainKey;
        var guarded = expectedEtag is null
            ? GuardedWrite.Command(
                "INSERT INTO products (id, name, price, available, version, created_at, updated_at, hold_sweep_scheduled, etag) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1) ON CONFLICT DO NOTHING",
                id, state.Name, state.Price, state.Available, state.Version, state.CreatedAt, state.UpdatedAt, state.HoldSweepScheduled)
            : GuardedWrite.Command(
                "UPDATE products SET name = $2, price = $3, available = $4, version = $5, updated_at = $6, hold_sweep_scheduled = $7, etag = etag + 1 WHERE id = $1 AND etag = $8",
                id, state.Name, state.Price, state.Available, state.Version, state.UpdatedAt, state.HoldSweepScheduled, expectedEtag.Value);
        var commands = new List<NpgsqlBatchCommand>(1 + state.ChangedHolds.Count) { guarded };
        foreach (var (orderId, (change, hold)) in state.ChangedHolds)
        {
            commands.Add(change switch
            {
                HoldChange.Held => GuardedWrite.Command(
                    "INSERT INTO product_holds (product_id, order_id, quantity, unit_price, hold_until) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (product_id, order_id) DO UPDATE SET quantity = EXCLUDED.quantity, unit_price = EXCLUDED.unit_price, hold_until = EXCLUDED.hold_until, committed = false",
                    id, orderId, hold.Quantity, hold.UnitPrice, hold.HoldUntil),
                HoldChange.Released => GuardedWrite.Command(
                    "DELETE FROM product_holds WHERE product_id = $1 AND order_id = $2", id, orderId),

                // Upserted, not updated: the hold may have been taken and committed within one batch.
                _ => GuardedWrite.Command(
                    "INSERT INTO product_holds (product_id, order_id, quantity, unit_price, hold_until, committed) VALUES ($1, $2, $3, $4, $5, true) ON CONFLICT (product_id, order_id) DO UPDATE SET committed = true",
                    id, orderId, hold.Quantity, hold.UnitPrice, hold.HoldUntil),
            });
        }

        return GuardedWrite.ExecuteAsync(writer, "products", id, expectedEtag, guarded, commands, "SELECT etag FROM products WHERE id = $1", cancellationToken);
    }

    public Task ClearAsync(string grainKey, long expectedEtag, CancellationToken cancellationToken)
        => GuardedWrite.ClearAsync(dataSource, "products", "id", grainKey, expectedEtag, cancellationToken);
}
