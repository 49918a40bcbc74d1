namespace Grains.Coupons;

/// <summary>
/// One coupon, keyed by its code: a discount with a usage limit and an expiry. Orders hold a use while they are
/// unpaid; a hold is committed at payment, released at cancellation or expiry, and lapses on its own if the order's
/// saga died midway.
/// </summary>
[Alias("commerce.coupon")]
public interface ICouponGrain : IGrainWithStringKey
{
    [Alias("get")]
    Task<CouponView?> Get();

    [Alias("define")]
    Task<CouponView> Define(CouponDefinition definition);

    /// <summary>Holds one use for the order and answers the discount on <paramref name="subtotal"/>. Retrying holds nothing more.</summary>
    [Alias("hold")]
    Task<CouponHold> Hold(string orderId, long subtotal, DateTimeOffset holdUntil);

    [Alias("release")]
    Task Release(string orderId);

    [Alias("commit")]
    Task Commit(string orderId);
}

/// <summary>Either a percentage (1–100) or a fixed amount off, never more than the subtotal.</summary>
[GenerateSerializer, Immutable, Alias("commerce.CouponDefinition")]
public sealed record CouponDefinition(
    [property: Id(0)] int PercentOff,
    [property: Id(1)] long AmountOff,
    [property: Id(2)] int UsageLimit,
    [property: Id(3)] DateTimeOffset ExpiresAt);

[GenerateSerializer, Immutable, Alias("commerce.CouponView")]
public sealed record CouponView(
    [property: Id(0)] string Code,
    [property: Id(1)] int PercentOff,
    [property: Id(2)] long AmountOff,
    [property: Id(3)] int UsageLimit,
    [property: Id(4)] int Used,
    [property: Id(5)] DateTimeOffset ExpiresAt);

[GenerateSerializer, Alias("commerce.CouponHoldStatus")]
public enum CouponHoldStatus
{
    Held,
    NotFound,
    Expired,
    Exhausted,
}

[GenerateSerializer, Immutable, Alias("commerce.CouponHold")]
public sealed record CouponHold([property: Id(0)] CouponHoldStatus Status, [property: Id(1)] long Discount);
