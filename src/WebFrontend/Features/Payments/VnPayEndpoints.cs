using System.Net;
using Grains.Payments;
using Microsoft.Extensions.Primitives;
using Payments.VnPay;
using Microsoft.Extensions.Options;
using WebFrontend.Hosting;
using WebFrontend.Http;
using WebFrontend.OpenApi;

namespace WebFrontend.Features.Payments;

/// <summary>
/// What VNPay calls: the IPN (the gateway's server-to-server notification, case C10) and the customer's return
/// from the pay page. Neither carries a bearer token: the checksum is the authentication. Both take whatever
/// <c>vnp_</c> parameters the gateway sends, so they sit outside the API's unknown-parameter filter.
/// </summary>
public static partial class VnPayEndpoints
{
    public static void MapVnPayEndpoints(this IEndpointRouteBuilder app)
    {
        var vnPay = app.MapGroup("/api/v1").WithTags("Payments").AllowAnonymous();
        vnPay.MapGet("/webhooks/vnpay/ipn", IpnAsync).Produces<VnPayIpnReply>()
            .WithName("receiveVnPayIpn").WithSummary("Receive VNPay's payment notification (IPN)")
            .WithDescription("Called by the gateway, not by clients, with its `vnp_` query parameters (`vnp_Amount` is the amount in đồng × 100) "
                + "signed by `vnp_SecureHash`. Always 200 with `RspCode`: 00 recorded, 01 unknown payment, 02 already confirmed, 04 amount differs, "
                + "97 bad checksum, 99 unexpected failure (the gateway retries).");
        vnPay.MapGet("/payments/vnpay/return", ReturnAsync).Produces<PaymentReturnResponse>()
            .ProducesProblemTypes(ProblemTypes.InvalidSignature, ProblemTypes.NotFound)
            .WithName("returnFromVnPay").WithSummary("Show the outcome of a VNPay payment")
            .WithDescription("Where the gateway sends the customer's browser back, with its signed `vnp_` query parameters: answers the gateway's "
                + "verdict and the payment as recorded. It changes nothing; the IPN and status polling do.");
    }

    /// <summary>
    /// The IPN. Always 200 with <c>{RspCode, Message}</c>, checked in VNPay's order: checksum (97), payment (01),
    /// amount (04), already confirmed (02), else recorded (00); anything unexpected is 99, so the gateway retries.
    /// </summary>
    private static async Task<IResult> IpnAsync(HttpContext context, IGrainFactory grains, IOptions<VnPayOptions> options, ILoggerFactory loggers, FrontendMetrics metrics)
    {
        var (code, message) = await AnswerIpnAsync(context, grains, options.Value, loggers.CreateLogger(typeof(VnPayEndpoints)));
        metrics.IpnAnswered(code);
        return TypedResults.Json(new VnPayIpnReply(code, message), VnPayJsonContext.Default.VnPayIpnReply);
    }

    private static async Task<(string Code, string Message)> AnswerIpnAsync(HttpContext context, IGrainFactory grains, VnPayOptions options, ILogger logger)
    {
        var query = context.Request.Query;
        if (!IsSigned(query, options))
        {
            LogBadChecksum(logger, context.Connection.RemoteIpAddress, query[VnPayFields.TxnRef].ToString());
            return Reply(IpnReplyCodes.InvalidChecksum, "Invalid signature");
        }

        var paymentId = query[VnPayFields.TxnRef].ToString();
        if (!FieldErrors.IsIdentifier(paymentId))
        {
            return Reply(IpnReplyCodes.OrderNotFound, "Order not found");
        }

        var report = new PaymentReport(
            query[VnPayFields.TransactionNo].ToString(),
            VnPayAmount.Parse(query[VnPayFields.Amount]),
            query[VnPayFields.ResponseCode].ToString(),
            query[VnPayFields.TransactionStatus].ToString(),
            NullIfEmpty(query[VnPayFields.BankCode]),
            NullIfEmpty(query[VnPayFields.PayDate]),
            PaymentReportSource.Notification);
        try
        {
            return await grains.GetGrain<IPaymentGrain>(paymentId).Report(report) switch
            {
                PaymentReportOutcome.UnknownPayment => Reply(IpnReplyCodes.OrderNotFound, "Order not found"),
                PaymentReportOutcome.AmountMismatch => Reply(IpnReplyCodes.InvalidAmount, "Invalid amount"),
                PaymentReportOutcome.AlreadyConfirmed => Reply(IpnReplyCodes.AlreadyConfirmed, "Order already confirmed"),
                _ => Reply(IpnReplyCodes.Confirmed, "Confirm Success"),
            };
        }
        catch (Exception exception)
        {
            LogIpnFailed(logger, exception, paymentId);
            return Reply(IpnReplyCodes.UnknownError, "Unknown error");
        }
    }

    /// <summary>The customer's browser back from the pay page. It shows the outcome; only the IPN and polling change state.</summary>
    private static async Task<IResult> ReturnAsync(HttpContext context, IGrainFactory grains, IOptions<VnPayOptions> options)
    {
        var query = context.Request.Query;
        if (!IsSigned(query, options.Value))
        {
            return Problem.Of(context, StatusCodes.Status400BadRequest, ProblemTypes.InvalidSignature, "Invalid signature.",
                "The gateway's parameters do not match their checksum.");
        }

        var paymentId = query[VnPayFields.TxnRef].ToString();
        var payment = FieldErrors.IsIdentifier(paymentId) ? await grains.GetGrain<IPaymentGrain>(paymentId).Get() : null;
        if (payment is null)
        {
            return Problem.NotFound(context, $"No payment {paymentId}.");
        }

        var responseCode = query[VnPayFields.ResponseCode].ToString();
        var succeeded = responseCode == PaymentResponseCodes.Success && query[VnPayFields.TransactionStatus] == TransactionStatuses.Success;
        return TypedResults.Json(
            new PaymentReturnResponse(payment.Id, payment.OrderId, succeeded ? "success" : "failure", responseCode,
                payment.Status == PaymentStatus.Succeeded ? "SUCCEEDED" : "PENDING"),
            ApiJson.Context.PaymentReturnResponse);
    }

    /// <summary>
    /// A parameter that could be read two ways never passes: a repeated one, or one spelled <c>VNP_…</c>, which the
    /// checksum leaves out but a case-insensitive lookup would read. Otherwise the checksum decides.
    /// </summary>
    private static bool IsSigned(IQueryCollection query, VnPayOptions options)
        => query.All(p => p.Value.Count == 1 && !IsMisspelledGatewayField(p.Key))
           && VnPaySignature.VerifyQuery(options.HashSecret, query.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value.ToString())), query[VnPayFields.SecureHash]);

    private static bool IsMisspelledGatewayField(string key)
        => key.StartsWith(VnPayFields.Prefix, StringComparison.OrdinalIgnoreCase) && !key.StartsWith(VnPayFields.Prefix, StringComparison.Ordinal);

    private static string? NullIfEmpty(StringValues value) => StringValues.IsNullOrEmpty(value) ? null : value.ToString();

    private static (string Code, string Message) Reply(string code, string message) => (code, message);

    [LoggerMessage(400, LogLevel.Warning, "Security: an IPN from {RemoteAddress} for payment {PaymentId} had a bad checksum; answered 97.", EventName = "IpnBadChecksum")]
    private static partial void LogBadChecksum(ILogger logger, IPAddress? remoteAddress, string paymentId);

    [LoggerMessage(401, LogLevel.Error, "An IPN for payment {PaymentId} failed; answered 99 so the gateway retries.")]
    private static partial void LogIpnFailed(ILogger logger, Exception exception, string paymentId);
}
