namespace Grains.Coupons;

public sealed class CouponState
{
    public CouponDefinition? Definition { get; set; }

    /// <summary>Uses by order id: held while the order is unpaid, committed once it is paid.</summary>
    public Dictionary<string, CouponUse> Uses { get; set; } = new(StringComparer.Ordinal);
}

public sealed class CouponUse
{
    public long Discount { get; set; }

    public DateTimeOffset HoldUntil { get; set; }

    public bool Committed { get; set; }
}

/// <summary>A coupon's definition and uses. A use held past its time (its order's saga died) no longer counts.</summary>
public sealed class CouponGrain([PersistentState("coupon")] IPersistentState<CouponState> coupon, TimeProvider time) : Grain, ICouponGrain
{
    private CouponState State => coupon.State;

    public Task<CouponView?> Get() => Task.FromResult(State.Definition is null ? null : View(time.GetUtcNow()));

    public async Task<CouponView> Define(CouponDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (definition.PercentOff is < 0 or > 100 || definition.AmountOff < 0 || (definition.PercentOff == 0) == (definition.AmountOff == 0))
        {
            throw new ArgumentException("A coupon takes off either a percentage (1-100) or an amount, not both.", nameof(definition));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(definition.UsageLimit);
        State.Definition = definition;
        await coupon.WriteStateAsync();
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

        if (State.Uses.TryGetValue(orderId, out var existing))
        {
            return new CouponHold(CouponHoldStatus.Held, existing.Discount);
        }

        if (now >= definition.ExpiresAt)
        {
            return new CouponHold(CouponHoldStatus.Expired, 0);
        }

        if (UsesCounted(now) >= definition.UsageLimit)
        {
            return new CouponHold(CouponHoldStatus.Exhausted, 0);
        }

        var discount = definition.PercentOff > 0 ? subtotal * definition.PercentOff / 100 : Math.Min(definition.AmountOff, subtotal);
        State.Uses[orderId] = new CouponUse { Discount = discount, HoldUntil = holdUntil };
        await coupon.WriteStateAsync();
        return new CouponHold(CouponHoldStatus.Held, discount);
    }

    public async Task Release(string orderId)
    {
        if (State.Uses.TryGetValue(orderId, out var use) && !use.Committed)
        {
            State.Uses.Remove(orderId);
            await coupon.WriteStateAsync();
        }
    }

    public async Task Commit(string orderId)
    {
        if (State.Uses.TryGetValue(orderId, out var use) && !use.Committed)
        {
            use.Committed = true;
            await coupon.WriteStateAsync();
        }
    }

    private int UsesCounted(DateTimeOffset now) => State.Uses.Values.Count(u => u.Committed || u.HoldUntil > now);

    private CouponView View(DateTimeOffset now)
    {
        var d = State.Definition!;
        return new CouponView(this.GetPrimaryKeyString(), d.PercentOff, d.AmountOff, d.UsageLimit, UsesCounted(now), d.ExpiresAt);
    }
}
