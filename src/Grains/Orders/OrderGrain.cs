using System.Collections.Immutable;
using Grains.Coupons;
using Grains.Outbox;
using Grains.Payments;
using Grains.Products;
using Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grains.Orders;

/// <summary>
/// An order and the saga that creates it (case C11). The saga first asks whether the payment gateway is taking
/// payments (its circuit is closed), then holds stock on every product in parallel, a use of the coupon, opens the
/// payment, and writes the order (its row and items in one transaction). If any step fails, everything held so far is
/// released and the payment discarded before the caller hears about it. If this grain dies midway, its holds lapse by
/// themselves (products and coupons give back holds past their time), so a crash cannot leak stock either.
/// A payment sells the held units first (taking them again if the holds lapsed), and only then is the order paid, with
/// <c>order.paid</c> in the same write as the change (case C18); money that pays for nothing raises
/// <c>payment.refund_required</c>, once per transaction.
/// </summary>
// Activated on the silo whose gateway the front end called: no forwarding hop, and its payment (placed the same way)
// is a call within the silo.
[Orleans.Placement.PreferLocalPlacement]
public sealed partial class OrderGrain(
    [PersistentState("order", StorageNames.Commerce)] IPersistentState<OrderState> order,
    IOptions<CommerceOptions> options,
    IOrderSagaFaults faults,
    IPaymentGateway gateway,
    NewGrainKeys newGrains,
    OrderMetrics metrics,
    TimeProvider time,
    ILogger<OrderGrain> logger) : Grain, IOrderGrain, IRemindable
{
    private const string Expiry = "expire-unpaid";

    private OrderState State => order.State;

    private string OrderId => this.GetPrimaryKeyString();

    public Task<OrderView?> Get() => Task.FromResult(State.Exists ? State.View(OrderId) : null);

    public async Task<OrderPlacement> Place(PlaceOrder command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (State.Exists)
        {
            return Placement(PlacementStatus.AlreadyExists);
        }

        if (Problem(command) is { } problem)
        {
            return Placement(PlacementStatus.Invalid, problem: problem);
        }

        // Fail fast while the gateway is failing: no stock is held for an order nobody could pay (case C12).
        if (gateway.Availability is { IsAccepting: false } unavailable)
        {
            return Placement(PlacementStatus.GatewayUnavailable, problem: "The payment gateway is unavailable; try again later.") with { RetryAfter = unavailable.RetryAfter };
        }

        var now = time.GetUtcNow();
        var expiresAt = now + options.Value.PaymentWindow;
        var holdUntil = expiresAt + options.Value.HoldGrace;
        var products = command.Lines.Select(l => GrainFactory.GetGrain<IProductGrain>(l.ProductId)).ToList();
        var coupon = command.CouponCode is { } code ? GrainFactory.GetGrain<ICouponGrain>(code) : null;
        IPaymentGrain? payment = null;
        try
        {
            await faults.At(OrderSagaStep.Reserving, OrderId);
            var reserved = await Task.WhenAll(command.Lines.Select((line, i) => products[i].Reserve(OrderId, line.Quantity, holdUntil, command.CustomerId)));
            await faults.At(OrderSagaStep.Reserved, OrderId);
            if (ReservationRefusals.Of(command.Lines, reserved, now) is { } refused)
            {
                await ReleaseAsync(products, coupon: null);
                return refused;
            }

            // Checked: a price set past the API's bounds (directly on the grain) fails the saga rather than wrapping around.
            var items = command.Lines.Select((line, i) => new OrderLine(line.ProductId, reserved[i].ProductName, line.Quantity, reserved[i].UnitPrice, checked(reserved[i].UnitPrice * line.Quantity))).ToList();
            var subtotal = items.Sum(i => i.LineTotal);
            var discount = 0L;
            if (coupon is not null)
            {
                var hold = await coupon.Hold(OrderId, subtotal, holdUntil);
                if (hold.Status != CouponHoldStatus.Held)
                {
                    await ReleaseAsync(products, coupon: null);
                    return Placement(PlacementStatus.CouponInvalid, problem: CouponProblem(command.CouponCode!, hold.Status));
                }

                await faults.At(OrderSagaStep.CouponHeld, OrderId);
                discount = hold.Discount;
            }

            var paymentId = $"pay{Guid.CreateVersion7(now):N}";
            payment = GrainFactory.GetGrain<IPaymentGrain>(paymentId);

            // A new id: the payment activates (beside this order) without reading a row that cannot exist yet.
            newGrains.Add(payment.GetGrainId());
            var opened = await payment.Open(new OpenPayment(OrderId, subtotal - discount, options.Value.Currency, expiresAt, command.ClientIp));
            await faults.At(OrderSagaStep.PaymentOpened, OrderId);

            State.Exists = true;
            State.CustomerId = command.CustomerId;
            State.CustomerName = command.CustomerName;
            State.Status = OrderStatus.PendingPayment;
            State.Items = items;
            State.Subtotal = subtotal;
            State.Discount = discount;
            State.Total = subtotal - discount;
            State.Currency = options.Value.Currency;
            State.CouponCode = command.CouponCode;
            State.CreatedAt = State.UpdatedAt = now;
            State.ExpiresAt = expiresAt;
            State.Version = 1;
            State.PaymentId = opened.PaymentId;
            State.PayUrl = opened.PayUrl;

            // Durable before the order is: an order without its expiry would never give its holds back, and could be
            // paid after they lapsed. Should the write then fail, the reminder finds no order and ends.
            await this.RegisterOrUpdateReminder(Expiry, expiresAt - now, options.Value.ExpiryCheckPeriod);
            await faults.At(OrderSagaStep.Persisting, OrderId);
            await order.WriteStateAsync();
        }
        catch (Exception exception)
        {
            // Whatever step failed, nothing may stay held: release it all (a hold that was never taken is a no-op),
            // and forget the order, which was never written.
            LogSagaFailed(logger, exception, OrderId);
            order.State = new OrderState();
            await ReleaseAsync(products, coupon);
            await DiscardAsync(payment);
            throw;
        }

        metrics.Created();
        return Placement(PlacementStatus.Placed);
    }

    public async Task<OrderChange> Cancel()
    {
        if (!State.Exists)
        {
            return new OrderChange(OrderChangeStatus.NotFound, null);
        }

        if (State.Status != OrderStatus.PendingPayment)
        {
            return new OrderChange(OrderChangeStatus.InvalidState, State.View(OrderId));
        }

        await EndUnpaidAsync(OrderStatus.Cancelled);
        return new OrderChange(OrderChangeStatus.Done, State.View(OrderId));
    }

    public async Task<PaymentConfirmation> ConfirmPayment(ConfirmPayment command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!State.Exists)
        {
            return PaymentConfirmation.UnknownOrder;
        }

        await faults.At(OrderSagaStep.ConfirmingPayment, OrderId);
        if (State.Status == OrderStatus.PendingPayment && command.PaymentId == State.PaymentId)
        {
            // The units are sold before the order is paid, so a paid order always has them; if this fails midway the
            // payment asks again, and what was sold already is not sold twice.
            if (await SellAsync())
            {
                State.Status = OrderStatus.Paid;
                State.PaymentTransactionNo = command.TransactionNo;
                State.PaidAt = command.PaidAt;
                var now = time.GetUtcNow();
                Raise(OutboxEvents.Paid(
                    OrderId,
                    new OrderPaidPayload(OrderId, State.CustomerId, State.Total, State.Currency, command.PaymentId, command.TransactionNo, command.PaidAt),
                    now));
                await PersistAsync(now);
                metrics.Paid();
                await CommitCouponAsync();
                return PaymentConfirmation.Paid;
            }

            // Its holds lapsed and a product sold the units meanwhile: it cannot be paid. It expires with the refund
            // asked for in the same write, then gives back what it holds and what it sold.
            LogSoldOut(logger, OrderId, command.PaymentId);
            State.Status = OrderStatus.Expired;
            RaiseEnded(time.GetUtcNow());
            await RequestRefundAsync(command, RefundReasons.SoldOut);
            metrics.ExpiredSoldOut();
            await GiveBackAsync();
            return PaymentConfirmation.RefundRequired;
        }

        if (State.Status == OrderStatus.Paid && command.PaymentId == State.PaymentId && command.TransactionNo == State.PaymentTransactionNo)
        {
            return PaymentConfirmation.AlreadyPaid;
        }

        await RequestRefundAsync(command, State.Status == OrderStatus.Paid ? RefundReasons.OrderAlreadyPaid : RefundReasons.OrderEnded);
        return PaymentConfirmation.RefundRequired;
    }

    /// <summary>
    /// Money came that pays for nothing: the order had ended unpaid, or it was paid by another transaction. One refund
    /// event per transaction; a paid order keeps its payment's number and time, an ended one shows the first money
    /// that came for it.
    /// </summary>
    private async Task RequestRefundAsync(ConfirmPayment command, string reason)
    {
        var paid = State.Status == OrderStatus.Paid;
        if (!paid && State.RefundRequested && command.TransactionNo == State.PaymentTransactionNo)
        {
            return;
        }

        var now = time.GetUtcNow();
        if (!paid && !State.RefundRequested)
        {
            State.RefundRequested = true;
            State.PaymentTransactionNo = command.TransactionNo;
            State.PaidAt = command.PaidAt;
        }

        Raise(OutboxEvents.RefundRequired("order", OrderId, new RefundRequiredPayload(
            OrderId, State.CustomerId, OrderStatusNames.Of(State.Status), command.PaymentId, command.TransactionNo, command.Amount, State.Currency, command.PaidAt, reason), now));
        await PersistAsync(now, visible: !paid);
    }

    private void Raise(OutboxMessage message) => State.RaisedEvents.Add(message);

    /// <summary>
    /// Writes a payment's outcome. Should the write fail, this activation goes, so that the next call reads what is
    /// stored rather than a change that never landed (a payment asking again must not hear "already paid").
    /// </summary>
    private async Task PersistAsync(DateTimeOffset now, bool visible = true)
    {
        if (visible)
        {
            State.UpdatedAt = now;
            State.Version++;
        }

        try
        {
            await order.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>Sells every line, in parallel; false if a product could not (a lapsed hold whose units are gone).</summary>
    private async Task<bool> SellAsync()
    {
        var sales = await Task.WhenAll(State.Items.Select(item =>
            GrainFactory.GetGrain<IProductGrain>(item.ProductId).Commit(new SellUnits(OrderId, item.Quantity, item.UnitPrice, State.CustomerId))));
        return sales.All(sale => sale.IsSold);
    }

    /// <summary>
    /// The payment deadline passed: an unpaid order expires and gives its stock and coupon back. A paid order whose
    /// coupon use could not be committed at payment commits it here; the reminder ends once it is.
    /// </summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != Expiry)
        {
            return;
        }

        switch (State)
        {
            case { Exists: true, Status: OrderStatus.PendingPayment }:
                if (time.GetUtcNow() >= State.ExpiresAt)
                {
                    await EndUnpaidAsync(OrderStatus.Expired);
                }

                break;
            case { Exists: true, Status: OrderStatus.Paid }:
                await CommitCouponAsync();
                break;
            default:
                await StopExpiryAsync();
                break;
        }
    }

    private async Task EndUnpaidAsync(OrderStatus final)
    {
        State.Status = final;
        var now = time.GetUtcNow();
        RaiseEnded(now);
        await PersistAsync(now);
        if (final == OrderStatus.Cancelled)
        {
            metrics.Cancelled();
        }
        else
        {
            metrics.ExpiredAtDeadline();
        }

        await GiveBackAsync();
    }

    /// <summary>Tells the customer the order ended unpaid (its status says how), in the write that ends it.</summary>
    private void RaiseEnded(DateTimeOffset now)
        => Raise(OutboxEvents.Ended(
            OrderId,
            new OrderEndedPayload(OrderId, State.CustomerId, OrderStatusNames.Of(State.Status), State.Total, State.Currency, now),
            cancelled: State.Status == OrderStatus.Cancelled,
            now));

    private async Task GiveBackAsync()
    {
        await ReleaseAsync(Products(), Coupon());
        await StopExpiryAsync();
    }

    /// <summary>Turns the coupon's hold into a use. If that fails, the expiry reminder (still registered) tries again.</summary>
    private async Task CommitCouponAsync()
    {
        try
        {
            if (Coupon() is { } coupon)
            {
                await coupon.Commit(OrderId);
            }
        }
        catch (Exception exception)
        {
            LogCommitFailed(logger, exception, OrderId);
            return;
        }

        await StopExpiryAsync();
    }

    private async Task StopExpiryAsync()
    {
        if (await this.GetReminder(Expiry) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private List<IProductGrain> Products() => State.Items.Select(i => GrainFactory.GetGrain<IProductGrain>(i.ProductId)).ToList();

    private ICouponGrain? Coupon() => State.CouponCode is { } code ? GrainFactory.GetGrain<ICouponGrain>(code) : null;

    private async Task DiscardAsync(IPaymentGrain? payment)
    {
        if (payment is null)
        {
            return;
        }

        try
        {
            await payment.Discard(OrderId);
        }
        catch (Exception exception)
        {
            // Its reminder finds no order to confirm and nothing is charged: the customer never saw its pay URL.
            LogDiscardFailed(logger, exception, OrderId);
        }
    }

    /// <summary>Releases the order's holds, all at once; a failure here is logged, and the holds lapse on their own.</summary>
    private async Task ReleaseAsync(IReadOnlyList<IProductGrain> products, ICouponGrain? coupon)
    {
        var releases = products.Select(p => p.Release(OrderId)).ToList();
        if (coupon is not null)
        {
            releases.Add(coupon.Release(OrderId));
        }

        try
        {
            await Task.WhenAll(releases);
        }
        catch (Exception exception)
        {
            LogReleaseFailed(logger, exception, OrderId);
        }
    }

    private OrderPlacement Placement(PlacementStatus status, ImmutableArray<string> productIds = default, string? problem = null)
        => new(status, State.Exists ? State.View(OrderId) : null, productIds.IsDefault ? [] : productIds, problem);

    /// <summary>The grain checks what it relies on, whoever the caller; the API validates field by field before this.</summary>
    private static string? Problem(PlaceOrder command) => command switch
    {
        { CustomerId: null or "" } => "An order needs a customer.",
        { Lines.IsDefaultOrEmpty: true } => "An order needs at least one line.",
        { Lines.Length: > 50 } => "An order has at most 50 lines.",
        _ when command.Lines.Any(l => l.Quantity is < 1 or > 100) => "Quantities are between 1 and 100.",
        _ when command.Lines.Any(l => string.IsNullOrWhiteSpace(l.ProductId)) => "Every line needs a product.",
        _ when command.Lines.Select(l => l.ProductId).Distinct(StringComparer.Ordinal).Count() != command.Lines.Length => "A product appears on one line only.",
        _ => null,
    };

    private static string CouponProblem(string code, CouponHoldStatus status) => status switch
    {
        CouponHoldStatus.NotFound => $"Coupon {code} does not exist.",
        CouponHoldStatus.Expired => $"Coupon {code} has expired.",
        _ => $"Coupon {code} has been used up.",
    };

    [LoggerMessage(100, LogLevel.Warning, "Placing order {OrderId} failed; releasing what it held.")]
    private static partial void LogSagaFailed(ILogger logger, Exception exception, string orderId);

    [LoggerMessage(101, LogLevel.Warning, "Releasing the holds of order {OrderId} failed; they lapse after their hold time.")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string orderId);

    [LoggerMessage(103, LogLevel.Warning, "Committing the coupon use of paid order {OrderId} failed; its reminder tries again.")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, string orderId);

    [LoggerMessage(105, LogLevel.Warning,
        "Order {OrderId} was paid by payment {PaymentId} after its holds had lapsed, and a product no longer has the units: it expires and the money is to be refunded.",
        EventName = "OrderSoldOutAtPayment")]
    private static partial void LogSoldOut(ILogger logger, string orderId, string paymentId);

    [LoggerMessage(104, LogLevel.Warning, "Discarding the payment of failed order {OrderId} failed; it stays pending and is never confirmed.")]
    private static partial void LogDiscardFailed(ILogger logger, Exception exception, string orderId);
}
