using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Grains.Coupons;

/// <summary>
/// A coupon as its activation holds it: the definition, how many uses were committed (a number, not the uses), and
/// the uses held for unpaid orders. Committed uses stay in the store as rows; nothing here grows with them.
/// </summary>
public sealed class CouponState : IChangeTracking
{
    public CouponDefinition? Definition { get; set; }

    public int CommittedUses { get; set; }

    /// <summary>Uses held for unpaid orders, by order id.</summary>
    public Dictionary<string, CouponUse> Holds { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Uses that changed since the last write, by order id: a typed store writes only their rows.</summary>
    [JsonIgnore]
    public Dictionary<string, ChangedCouponUse> ChangedUses { get; } = new(StringComparer.Ordinal);

    [JsonIgnore]
    public bool IsChanged => ChangedUses.Count > 0;

    public void AcceptChanges() => ChangedUses.Clear();
}

public sealed class CouponUse
{
    public long Discount { get; set; }

    public DateTimeOffset HoldUntil { get; set; }
}

public enum CouponUseChange
{
    Held,
    Released,
    Committed,
}

/// <param name="Use">The use as it was held (for a release, as it was before).</param>
public sealed record ChangedCouponUse(CouponUseChange Change, CouponUse Use);
