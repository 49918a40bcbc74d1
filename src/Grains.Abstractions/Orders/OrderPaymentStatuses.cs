namespace Grains.Orders;

/// <summary>An order's payment status from what its row stores: the order grain's view and the dashboard's read agree.</summary>
public static class OrderPaymentStatuses
{
    public static OrderPaymentStatus Of(OrderStatus order, bool refundRequested) => order switch
    {
        OrderStatus.PendingPayment => OrderPaymentStatus.Pending,
        OrderStatus.Cancelled or OrderStatus.Expired => refundRequested ? OrderPaymentStatus.RefundRequired : OrderPaymentStatus.Closed,
        _ => OrderPaymentStatus.Succeeded,
    };
}
