namespace Grains.Orders;

/// <summary>
/// The points of the order saga where a test can make it fail (case C11: nothing may be left behind), and the point
/// where a payment's success reaches the order.
/// </summary>
public enum OrderSagaStep
{
    /// <summary>Before any product is asked for stock.</summary>
    Reserving,

    /// <summary>After every product has held its units.</summary>
    Reserved,

    /// <summary>After the coupon has held a use.</summary>
    CouponHeld,

    /// <summary>After the payment has been opened (its row written, its poll reminder registered).</summary>
    PaymentOpened,

    /// <summary>As the order is written: the write fails.</summary>
    Persisting,

    /// <summary>As a payment's success reaches the order, before anything changes: the order cannot hear it.</summary>
    ConfirmingPayment,
}

/// <summary>
/// Fault injection for the order saga. Production registers <see cref="NoOrderSagaFaults"/>; tests register one that
/// throws at a chosen step. A service, not a flag in the code, so nothing test-only runs unless a host asks for it.
/// </summary>
public interface IOrderSagaFaults
{
    /// <summary>Called as the saga reaches <paramref name="step"/>: throws to fail it there, or waits to hold it there.</summary>
    ValueTask At(OrderSagaStep step, string orderId);
}

public sealed class NoOrderSagaFaults : IOrderSagaFaults
{
    public ValueTask At(OrderSagaStep step, string orderId) => ValueTask.CompletedTask;
}
