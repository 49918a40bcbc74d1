using Grains.Coupons;
using Grains.Orders;
using Grains.Outbox;
using Grains.Payments;
using Grains.Products;
using Grains.Wallets;

namespace Grains.Persistence.Tests.Infrastructure;

/// <summary>
/// The grains' own bookkeeping of their changes, repeated here so that the stores get the deltas they get in
/// production (which rows changed since the last write).
/// </summary>
public static class GrainChanges
{
    /// <summary>As ProductGrain.Reserve: the stock leaves, the hold is kept and marked changed.</summary>
    public static void Hold(ProductState product, string orderId, int quantity)
    {
        var hold = new ProductHold { Quantity = quantity, UnitPrice = product.Price, HoldUntil = product.UpdatedAt.AddMinutes(20) };
        product.Available -= quantity;
        product.Holds[orderId] = hold;
        product.ChangedHolds[orderId] = new ChangedHold(HoldChange.Held, hold);
        Touch(product);
    }

    /// <summary>As ProductGrain.Reserve on a flash sale: a hold that counts against its buyer.</summary>
    public static void Hold(ProductState product, string orderId, int quantity, string buyerId)
    {
        Hold(product, orderId, quantity);
        product.Holds[orderId].BuyerId = buyerId;
        product.CountForBuyer(buyerId, quantity);
    }

    /// <summary>As ProductGrain.Release: the stock comes back, the hold goes (and stops counting against its buyer).</summary>
    public static void Release(ProductState product, string orderId)
    {
        product.Holds.Remove(orderId, out var hold);
        product.Available += hold!.Quantity;
        product.ChangedHolds[orderId] = new ChangedHold(HoldChange.Released, hold);
        if (hold.BuyerId is { } buyerId)
        {
            product.CountForBuyer(buyerId, -hold.Quantity);
        }

        Touch(product);
    }

    /// <summary>As ProductGrain.Commit: the hold becomes a sale.</summary>
    public static void Commit(ProductState product, string orderId)
    {
        product.Holds.Remove(orderId, out var hold);
        product.Sales[orderId] = hold!;
        product.ChangedHolds[orderId] = new ChangedHold(HoldChange.Committed, hold!);
    }

    /// <summary>As OrderGrain does for every event: a new version and update time, the event for the outbox.</summary>
    public static void Raise(OrderState order, OutboxMessage raised)
    {
        order.UpdatedAt = raised.OccurredAt;
        order.Version++;
        order.RaisedEvents.Add(raised);
    }

    /// <summary>As PaymentGrain.Record: every distinct report is kept, numbered in arrival order.</summary>
    public static void Report(PaymentState payment, PaymentReportSource source, string transactionNo, string responseCode, string transactionStatus, long? amount, bool applied)
    {
        var recorded = new PaymentEvent(payment.Events.Count + 1, source, transactionNo, responseCode, transactionStatus, amount, applied, payment.UpdatedAt.AddSeconds(30));
        payment.Events.Add(recorded);
        payment.NewEvents.Add(recorded);
        payment.UpdatedAt = recorded.ReceivedAt;
    }

    /// <summary>As WalletGrain's movements: positive credits, negative debits, once per reference.</summary>
    public static void Move(WalletState wallet, long amount, string reference)
    {
        wallet.Balance += amount;
        wallet.Version++;
        wallet.Entries[reference] = new WalletEntry { Amount = amount, BalanceAfter = wallet.Balance, At = StateSamples.Recent.AddMinutes(wallet.Version) };
        wallet.NewEntries.Add(reference);
    }

    /// <summary>As CouponGrain.Hold: one use held for the order, twenty minutes on.</summary>
    public static void Hold(CouponState coupon, string orderId)
    {
        var use = new CouponUse { Discount = 1_000, HoldUntil = StateSamples.Start.AddMinutes(20) };
        coupon.Holds[orderId] = use;
        coupon.ChangedUses[orderId] = new ChangedCouponUse(CouponUseChange.Held, use);
    }

    /// <summary>As CouponGrain.Commit: the use is a sale; memory keeps only the count, the row stays.</summary>
    public static void Commit(CouponState coupon, string orderId)
    {
        coupon.Holds.Remove(orderId, out var use);
        coupon.CommittedUses++;
        coupon.ChangedUses[orderId] = new ChangedCouponUse(CouponUseChange.Committed, use!);
    }

    private static void Touch(ProductState product)
    {
        product.Version++;
        product.UpdatedAt = product.UpdatedAt.AddSeconds(1);
    }
}
