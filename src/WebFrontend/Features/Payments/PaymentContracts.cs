using Grains.Orders;

namespace WebFrontend.Features.Payments;

/// <summary>What the browser's return from the gateway shows: the gateway's verdict and the payment as we know it.</summary>
public sealed record PaymentReturnResponse(string PaymentId, string OrderId, string GatewayResult, string ResponseCode, string PaymentStatus);

/// <summary>Payment statuses as the API shows them: <c>PENDING</c>, <c>SUCCEEDED</c>, <c>REFUND_REQUIRED</c>, <c>CLOSED</c>.</summary>
public static class PaymentStatusNames
{
    public static string Of(OrderPaymentStatus status) => status switch
    {
        OrderPaymentStatus.Pending => "PENDING",
        OrderPaymentStatus.Succeeded => "SUCCEEDED",
        OrderPaymentStatus.RefundRequired => "REFUND_REQUIRED",
        OrderPaymentStatus.Closed => "CLOSED",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
