using System.Net;
using System.Text.Json;
using Payments.VnPay;
using PaymentGateway.Hosting;
using PaymentGateway.Merchant;
using PaymentGateway.Transactions;

namespace PaymentGateway.Query;

/// <summary>
/// VNPay's querydr API: the merchant asks for a transaction's state. Every protocol outcome is HTTP 200 with a signed
/// body whose vnp_ResponseCode says how the query went; only injected faults answer otherwise.
/// </summary>
public static class QueryEndpoint
{
    public const string Path = "/merchant_webapi/api/transaction";

    private const int MaxRequestIdLength = 32;
    private const int MaxTxnRefLength = 100;

    public static void MapQueryEndpoint(this IEndpointRouteBuilder app) => app.MapPost(Path, QueryAsync);

    private static async Task<IResult> QueryAsync(
        HttpContext context, MerchantAccount merchant, TransactionBook book, RequestIdRegistry requestIds, StatusFaults faults, SimulatorStats stats, TimeProvider time)
    {
        stats.QueryRequested();
        var fault = faults.Current;
        if (fault.Down)
        {
            // A gateway that is down answers nothing: the merchant sees the connection drop.
            stats.QueryFailureInjected();
            context.Abort();
            return Results.Empty;
        }

        if (fault.LatencyMs > 0)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(fault.LatencyMs), time, context.RequestAborted);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The merchant gave up waiting (its own timeout): nobody is left to answer.
                return Results.Empty;
            }
        }

        var request = await ReadAsync(context);
        if (fault.ErrorRate > 0 && Random.Shared.NextDouble() < fault.ErrorRate)
        {
            stats.QueryFailureInjected();
            return fault.ErrorMode == StatusErrorMode.Http500
                ? Results.StatusCode(StatusCodes.Status500InternalServerError)
                : Answer(QueryResponses.Error(QueryResponseCodes.OtherError, "Unknown error (injected)", request, merchant.TmnCode, merchant.HashSecret));
        }

        return Answer(Decide(request, merchant, book, requestIds));
    }

    /// <summary>The checks in VNPay's order: format, checksum, merchant, request id, then the transaction itself.</summary>
    private static VnPayQueryResponse Decide(VnPayQueryRequest? request, MerchantAccount merchant, TransactionBook book, RequestIdRegistry requestIds)
    {
        VnPayQueryResponse Error(string code, string message) => QueryResponses.Error(code, message, request, merchant.TmnCode, merchant.HashSecret);

        if (FormatProblem(request) is { } problem)
        {
            return Error(QueryResponseCodes.InvalidFormat, "Invalid request format: " + problem);
        }

        if (!request!.IsSignedBy(merchant.HashSecret))
        {
            return Error(QueryResponseCodes.InvalidChecksum, "Invalid checksum");
        }

        if (request.TmnCode != merchant.TmnCode)
        {
            return Error(QueryResponseCodes.InvalidMerchant, "Merchant is not valid");
        }

        if (!requestIds.TryUse(request.RequestId!))
        {
            return Error(QueryResponseCodes.DuplicateRequest, "Duplicate request (vnp_RequestId already used)");
        }

        // VNPay finds a transaction by reference and the date it was created, so a wrong date is as good as a wrong reference.
        var transaction = book.Find(request.TxnRef!);
        if (transaction is null || transaction.CreateDate != request.TransactionDate)
        {
            return Error(QueryResponseCodes.TransactionNotFound, "Transaction not found");
        }

        return QueryResponses.Found(transaction, merchant.TmnCode, merchant.HashSecret);
    }

    private static string? FormatProblem(VnPayQueryRequest? request)
    {
        if (request is null)
        {
            return "the body must be a JSON object.";
        }

        if (request.RequestId is not { Length: > 0 and <= MaxRequestIdLength })
        {
            return $"vnp_RequestId must be 1 to {MaxRequestIdLength} characters.";
        }

        if (request.Version != VnPayProtocol.Version)
        {
            return $"vnp_Version must be {VnPayProtocol.Version}.";
        }

        if (request.Command != VnPayProtocol.QueryCommand)
        {
            return $"vnp_Command must be {VnPayProtocol.QueryCommand}.";
        }

        if (string.IsNullOrEmpty(request.TmnCode))
        {
            return "vnp_TmnCode is required.";
        }

        if (request.TxnRef is not { Length: > 0 and <= MaxTxnRefLength })
        {
            return $"vnp_TxnRef must be 1 to {MaxTxnRefLength} characters.";
        }

        if (!VnPayTime.TryParse(request.TransactionDate, out _))
        {
            return "vnp_TransactionDate must be yyyyMMddHHmmss.";
        }

        if (!VnPayTime.TryParse(request.CreateDate, out _))
        {
            return "vnp_CreateDate must be yyyyMMddHHmmss.";
        }

        if (!IPAddress.TryParse(request.IpAddr, out _))
        {
            return "vnp_IpAddr must be an IP address.";
        }

        return string.IsNullOrEmpty(request.OrderInfo) ? "vnp_OrderInfo is required." : null;
    }

    /// <summary>The request, or null when the body is not a JSON object of the right shape.</summary>
    private static async Task<VnPayQueryRequest?> ReadAsync(HttpContext context)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(context.Request.Body, VnPayJsonContext.Default.VnPayQueryRequest, context.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult Answer(VnPayQueryResponse response) => TypedResults.Json(response, VnPayJsonContext.Default.VnPayQueryResponse);
}
