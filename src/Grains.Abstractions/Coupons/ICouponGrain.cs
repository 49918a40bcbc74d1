using Runtime;

namespace Grains.Coupons;

/// <summary>
/// One coupon, keyed by its code: a discount with a usage limit and an expiry. Orders hold a use while they are
/// unpaid; a hold is committed at payment, released at cancellation or expiry, and lapses on its own if the order's
/// saga died midway.
/// </summary>
[GrainType("coupon")]
public interface ICouponGrain : IGrainWithStringKey
{
    Task<CouponView?> Get();

    Task<CouponView> Define(CouponDefinition definition);

    /// <summary>Holds one use for the order and answers the discount on <paramref name="subtotal"/>. Retrying holds nothing more.</summary>
    Task<CouponHold> Hold(string orderId, long subtotal, DateTimeOffset holdUntil);

    Task Release(string orderId);

    Task Commit(string orderId);
}

/// <summary>Either a percentage (1–100) or a fixed amount off, never more than the subtotal.</summary>
public sealed record CouponDefinition(int PercentOff, long AmountOff, int UsageLimit, DateTimeOffset ExpiresAt);

public sealed record CouponView(string Code, int PercentOff, long AmountOff, int UsageLimit, int Used, DateTimeOffset ExpiresAt);

public enum CouponHoldStatus
{
    Held,
    NotFound,
    Expired,
    Exhausted,
}

public sealed record CouponHold(CouponHoldStatus Status, long Discount);
