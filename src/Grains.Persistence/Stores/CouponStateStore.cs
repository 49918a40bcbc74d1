using Grains.Coupons;
using Grains.Persistence.Storage;
using Npgsql;

namespace Grains.Persistence.Stores;

/// <summary>
/// A coupon in <c>coupons</c>, one row that never grows, and its uses in <c>coupon_uses</c>. A read loads the open
/// holds and the number of committed uses, never the committed rows. A write touches only the uses that changed;
/// each statement that adds or removes a use row moves <c>coupons.uses</c> by the rows it really changed, so the
/// table's CHECK against the usage limit fails any write that would take one use too many.
/// </summary>
internal sealed class CouponStateStore(NpgsqlDataSource dataSource, SharedTransactionWriter writer) : IGrainStateStore<CouponState>
{
    public Task<StoredState<CouponState>?> ReadAsync(string grainKey, CancellationToken cancellationToken)
        => GuardedRead.ReadAsync(
            dataSource,
            grainKey,
            "SELECT percent_off, amount_off, usage_limit, expires_at, uses, etag FROM coupons WHERE code = $1",
            "SELECT order_id, discount, hold_until FROM coupon_uses WHERE code = $1 AND NOT committed",
            row => new CouponState
            {
                Definition = new CouponDefinition(row.GetInt32(0), row.GetInt64(1), row.GetInt32(2), row.GetFieldValue<DateTimeOffset>(3)),
                CommittedUses = row.GetInt32(4),
            },
            (row, state) =>
            {
                state.Holds[row.GetString(0)] = new CouponUse { Discount = row.GetInt64(1), HoldUntil = row.GetFieldValue<DateTimeOffset>(2) };
                state.CommittedUses--;
            },
            cancellationToken);

    // Not async: every command is built from the state before anything is awaited.
    public Task<long> WriteAsync(string grainKey, CouponState state, long? expectedEtag, CancellationToken cancellationToken)
    {
        var code = grainKey;
        var definition = state.Definition ?? throw new ArgumentException("Only a defined coupon is stored.", nameof(state));
        var guarded = expectedEtag is null
            ? GuardedWrite.Command(
                "INSERT INTO coupons (code, percent_off, amount_off, usage_limit, expires_at, etag) VALUES ($1, $2, $3, $4, $5, 1) ON CONFLICT DO NOTHING",
                code, definition.PercentOff, definition.AmountOff, definition.UsageLimit, definition.ExpiresAt)
            : GuardedWrite.Command(
                "UPDATE coupons SET percent_off = $2, amount_off = $3, usage_limit = $4, expires_at = $5, etag = etag + 1 WHERE code = $1 AND etag = $6",
                code, definition.PercentOff, definition.AmountOff, definition.UsageLimit, definition.ExpiresAt, expectedEtag.Value);
        var commands = new List<NpgsqlBatchCommand>(1 + state.ChangedUses.Count) { guarded };
        foreach (var (orderId, (change, use)) in state.ChangedUses)
        {
            commands.Add(change switch
            {
                CouponUseChange.Held => GuardedWrite.Command(
                    """
                    WITH added AS (INSERT INTO coupon_uses (code, order_id, discount, hold_until) VALUES ($1, $2, $3, $4) RETURNING 1)
                    UPDATE coupons SET uses = uses + (SELECT count(*) FROM added) WHERE code = $1
                    """,
                    code, orderId, use.Discount, use.HoldUntil),
                CouponUseChange.Released => GuardedWrite.Command(
                    """
                    WITH removed AS (DELETE FROM coupon_uses WHERE code = $1 AND order_id = $2 AND NOT committed RETURNING 1)
                    UPDATE coupons SET uses = uses - (SELECT count(*) FROM removed) WHERE code = $1
                    """,
                    code, orderId),
                _ => GuardedWrite.Command("UPDATE coupon_uses SET committed = true WHERE code = $1 AND order_id = $2", code, orderId),
            });
        }

        return GuardedWrite.ExecuteAsync(writer, "coupons", code, expectedEtag, guarded, commands, "SELECT etag FROM coupons WHERE code = $1", cancellationToken);
    }

    public Task ClearAsync(string grainKey, long expectedEtag, CancellationToken cancellationToken)
        => GuardedWrite.ClearAsync(dataSource, "coupons", "code", grainKey, expectedEtag, cancellationToken);
}
