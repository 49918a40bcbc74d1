using Grains.Storage;

namespace Grains.Coupons;

/// <summary>
/// A coupon's definition and uses. A use held past its time (its order's saga died) no longer counts and is dropped
/// when the next order asks for one. Calls run one at a time, so a use is counted before the next is decided; the
/// store refuses any write that would take more uses than the limit all the same.
/// </summary>
public sealed class CouponGrain(
    [PersistentState("coupon", StorageNames.Commerce)] IPersistentState<CouponState> coupon,
    IGrainContext grain,
    TimeProvider time) : Grain, ICouponGrain
{
    private readonly GroupCommit<CouponState> _writes = new(coupon, grain);

    private CouponState State => _writes.State;

    public Task<CouponView?> Get() => Task.FromResult(State.Definition is null ? null : View(time.GetUtcNow()));

    public async Task<CouponView> Define(CouponDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (definition.PercentOff is < 0 or > 100 || definition.AmountOff < 0 || (definition.PercentOff == 0) == (definition.AmountOff == 0))
        {
            throw new ArgumentException("A coupon takes off either a percentage (1-100) or an amount, not both.", nameof(definition));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(definition.UsageLimit);
        ArgumentOutOfRangeException.ThrowIfLessThan(definition.UsageLimit, State.CommittedUses + State.Holds.Count);
        State.Definition = definition;
        await _writes.WriteAsync();
        return View(time.GetUtcNow());
    }

    public async Task<CouponHold> Hold(string orderId, long subtotal, DateTimeOffset holdUntil)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orderId);
        var now = time.GetUtcNow();
        if (State.Definition is not { } definition)
        {
            return new CouponHold(CouponHoldStatus.NotFound, 0);
        }

        if (State.Holds.TryGetValue(orderId, out var existing))
        {
            return new CouponHold(CouponHoldStatus.Held, existing.Discount);
        }

        if (now >= definition.ExpiresAt)
        {
            return new CouponHold(CouponHoldStatus.Expired, 0);
        }

        DropLapsedHolds(now);
        if (State.CommittedUses + State.Holds.Count >= definition.UsageLimit)
        {
            await WriteDroppedAsync();
            return new CouponHold(CouponHoldStatus.Exhausted, 0);
        }

        var discount = definition.PercentOff > 0 ? subtotal * definition.PercentOff / 100 : Math.Min(definition.AmountOff, subtotal);
        var use = new CouponUse { Discount = discount, HoldUntil = holdUntil };
        State.Holds[orderId] = use;
        State.ChangedUses[orderId] = new ChangedCouponUse(CouponUseChange.Held, use);
        await _writes.WriteAsync();
        return new CouponHold(CouponHoldStatus.Held, discount);
    }

    public async Task Release(string orderId)
    {
        if (State.Holds.Remove(orderId, out var use))
        {
            State.ChangedUses[orderId] = new ChangedCouponUse(CouponUseChange.Released, use);
            await _writes.WriteAsync();
        }
    }

    public async Task Commit(string orderId)
    {
        if (State.Holds.Remove(orderId, out var use))
        {
            State.CommittedUses++;
            State.ChangedUses[orderId] = new ChangedCouponUse(CouponUseChange.Committed, use);
            await _writes.WriteAsync();
        }
    }

    /// <summary>Holds whose order's saga died: their rows go, so the open holds stay few.</summary>
    private void DropLapsedHolds(DateTimeOffset now)
    {
        foreach (var (orderId, use) in State.Holds.Where(h => h.Value.HoldUntil <= now).ToList())
        {
            State.Holds.Remove(orderId);
            State.ChangedUses[orderId] = new ChangedCouponUse(CouponUseChange.Released, use);
        }
    }

    private Task WriteDroppedAsync() => State.IsChanged ? _writes.WriteAsync() : Task.CompletedTask;

    private CouponView View(DateTimeOffset now)
    {
        var d = State.Definition!;
        return new CouponView(this.GetPrimaryKeyString(), d.PercentOff, d.AmountOff, d.UsageLimit, State.CommittedUses + State.Holds.Values.Count(h => h.HoldUntil > now), d.ExpiresAt);
    }
}
