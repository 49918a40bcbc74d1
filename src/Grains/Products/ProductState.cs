using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Grains.Products;

public sealed class ProductState : IChangeTracking
{
    public bool Exists { get; set; }

    public string Name { get; set; } = "";

    public long Price { get; set; }

    public int Available { get; set; }

    public long Version { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Uncommitted holds by order id.</summary>
    public Dictionary<string, ProductHold> Holds { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Recent sales by order id, so that an order asking again to be sold (its first answer was lost) sells nothing
    /// more. Remembered until their hold time plus <see cref="CommerceOptions.SaleMemory"/>; their rows stay for good.
    /// </summary>
    public Dictionary<string, ProductHold> Sales { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The product's flash sale, if it is on one.</summary>
    public FlashSale? Sale { get; set; }

    /// <summary>
    /// Units each buyer holds or bought in the flash sale, by customer id: what the per-buyer limit counts. Kept for
    /// as long as the product has a sale (sales leave <see cref="Sales"/>, never this), one row per buyer.
    /// </summary>
    public Dictionary<string, int> BuyerUnits { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Whether the reminder that releases lapsed holds is registered.</summary>
    public bool HoldSweepScheduled { get; set; }

    /// <summary>What happened to which holds since the last write: a typed store writes only these rows.</summary>
    [JsonIgnore]
    public Dictionary<string, ChangedHold> ChangedHolds { get; } = new(StringComparer.Ordinal);

    /// <summary>The buyers whose count changed since the last write: their rows are written with the holds that changed them.</summary>
    [JsonIgnore]
    public HashSet<string> ChangedBuyers { get; } = new(StringComparer.Ordinal);

    [JsonIgnore]
    public bool IsChanged => ChangedHolds.Count > 0 || ChangedBuyers.Count > 0;

    public void AcceptChanges()
    {
        ChangedHolds.Clear();
        ChangedBuyers.Clear();
    }

    /// <summary>Counts units against a buyer of the sale (negative to give them back).</summary>
    public void CountForBuyer(string buyerId, int units)
    {
        var count = BuyerUnits.GetValueOrDefault(buyerId) + units;
        if (count > 0)
        {
            BuyerUnits[buyerId] = count;
        }
        else
        {
            BuyerUnits.Remove(buyerId);
        }

        ChangedBuyers.Add(buyerId);
    }

    public ProductDetails Details(string id) => new(id, Name, Price, Available, Version, CreatedAt, UpdatedAt, Sale);
}

public sealed class ProductHold
{
    public int Quantity { get; set; }

    public long UnitPrice { get; set; }

    public DateTimeOffset HoldUntil { get; set; }

    /// <summary>The buyer the units count against, for a hold taken in a flash sale; null otherwise.</summary>
    public string? BuyerId { get; set; }
}

/// <summary>A hold's latest change and the hold itself (a committed hold's row is written even if it never was).</summary>
public readonly record struct ChangedHold(HoldChange Change, ProductHold Hold);

public enum HoldChange
{
    Held,

    /// <summary>The hold, or the sale, is gone and its units are back on sale: its row goes.</summary>
    Released,

    Committed,
}
