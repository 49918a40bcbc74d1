using System.Collections.Immutable;
using Grains.Coupons;
using Grains.Products;
using Microsoft.Extensions.Logging;
using Runtime;

namespace Grains.Orders;

/// <summary>
/// An order and the saga that creates it (case C11). The saga holds stock on every product in parallel, then a use
/// of the coupon, then writes the order (its row and items in one transaction). If any step fails, everything held
/// so far is released before the caller hears about it. If this grain dies midway, its holds lapse by themselves
/// (products and coupons give back holds past their time), so a crash cannot leak stock either.
/// </summary>
public sealed partial class OrderGrain(
    [PersistentState("order")] IPersistentState<OrderState> order,
    CommerceOptions options,
    IOrderSagaFaults faults,
    TimeProvider time,
    ILogger<OrderGrain> logger) : Grain, IOrderGrain, IRemindable
{
    private const string Expiry = "expire-unpaid";

    private OrderState State => order.State;

    private string OrderId => GetPrimaryKeyString();

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

        var now = time.GetUtcNow();
        var expiresAt = now + options.PaymentWindow;
        var holdUntil = expiresAt + options.HoldGrace;
        var products = command.Lines.Select(l => GrainFactory.GetGrain<IProductGrain>(l.ProductId)).ToList();
        var coupon = command.CouponCode is { } code ? GrainFactory.GetGrain<ICouponGrain>(code) : null;
        try
        {
            await faults.At(OrderSagaStep.Reserving, OrderId);
            var reserved = await Task.WhenAll(command.Lines.Select((line, i) => products[i].Reserve(OrderId, line.Quantity, holdUntil)));
            await faults.At(OrderSagaStep.Reserved, OrderId);
            if (Refusal(command, reserved) is { } refused)
            {
                await ReleaseAsync(products, coupon: null);
                return refused;
            }

            var items = command.Lines.Select((line, i) => new OrderLine(line.ProductId, reserved[i].ProductName, line.Quantity, reserved[i].UnitPrice, reserved[i].UnitPrice * line.Quantity)).ToList();
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

            State.Exists = true;
            State.CustomerId = command.CustomerId;
            State.CustomerName = command.CustomerName;
            State.Status = OrderStatus.PendingPayment;
            State.Items = items;
            State.Subtotal = subtotal;
            State.Discount = discount;
            State.Total = subtotal - discount;
            State.Currency = options.Currency;
            State.CouponCode = command.CouponCode;
            State.CreatedAt = State.UpdatedAt = now;
            State.ExpiresAt = expiresAt;
            State.Version = 1;
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
            throw;
        }

        await ScheduleExpiryAsync(expiresAt - now);
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

    /// <summary>The payment deadline passed: an unpaid order expires and gives its stock and coupon back.</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != Expiry)
        {
            return;
        }

        if (State.Exists && State.Status == OrderStatus.PendingPayment)
        {
            if (time.GetUtcNow() < State.ExpiresAt)
            {
                return;
            }

            await EndUnpaidAsync(OrderStatus.Expired);
        }
        else if (await GetReminder(Expiry) is { } reminder)
        {
            await UnregisterReminder(reminder);
        }
    }

    private async Task EndUnpaidAsync(OrderStatus final)
    {
        State.Status = final;
        State.UpdatedAt = time.GetUtcNow();
        State.Version++;
        await order.WriteStateAsync();
        await ReleaseAsync(
            State.Items.Select(i => GrainFactory.GetGrain<IProductGrain>(i.ProductId)).ToList(),
            State.CouponCode is { } code ? GrainFactory.GetGrain<ICouponGrain>(code) : null);
        if (await GetReminder(Expiry) is { } reminder)
        {
            await UnregisterReminder(reminder);
        }
    }

    private async Task ScheduleExpiryAsync(TimeSpan dueIn)
    {
        try
        {
            await RegisterOrUpdateReminder(Expiry, dueIn > TimeSpan.Zero ? dueIn : TimeSpan.Zero, options.ExpiryCheckPeriod);
        }
        catch (Exception exception)
        {
            // The order stands; without its reminder its holds still lapse on their own after the grace period.
            LogExpiryNotScheduled(logger, exception, OrderId);
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

    private OrderPlacement? Refusal(PlaceOrder command, ReservationOutcome[] reserved)
    {
        var unknown = command.Lines.Where((_, i) => reserved[i].Status == ReservationStatus.ProductNotFound).Select(l => l.ProductId).ToImmutableArray();
        if (unknown.Length > 0)
        {
            return Placement(PlacementStatus.ProductNotFound, unknown, $"Unknown products: {string.Join(", ", unknown)}.");
        }

        var outOfStock = command.Lines.Where((_, i) => reserved[i].Status == ReservationStatus.OutOfStock).Select(l => l.ProductId).ToImmutableArray();
        return outOfStock.Length > 0 ? Placement(PlacementStatus.OutOfStock, outOfStock, $"Not enough stock: {string.Join(", ", outOfStock)}.") : null;
    }

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

    [LoggerMessage(102, LogLevel.Warning, "The expiry reminder of order {OrderId} could not be registered.")]
    private static partial void LogExpiryNotScheduled(ILogger logger, Exception exception, string orderId);
}
