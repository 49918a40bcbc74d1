using Payments.VnPay;
using PaymentGateway.Transactions;

namespace PaymentGateway.Admin;

/// <summary>Transactions seen from outside the pay page: look one up, or complete it as the shopper would, without HTML.</summary>
public static class TransactionAdminEndpoints
{
    public static void MapTransactionAdminEndpoints(this RouteGroupBuilder sim)
    {
        sim.MapGet("/transactions/{txnRef}", (string txnRef, TransactionBook book)
            => book.Find(txnRef) is { } transaction ? View(transaction) : NotFound(txnRef));
        sim.MapPost("/transactions/{txnRef}/complete", CompleteAsync);
    }

    private static async Task<IResult> CompleteAsync(string txnRef, HttpContext context, PaymentCompletion completion)
    {
        var (request, problem) = await AdminBody.ReadAsync(context, AdminJsonContext.Default.CompleteRequest);
        if (problem is not null)
        {
            return problem;
        }

        var success = request!.Outcome switch
        {
            CompletionOutcomes.Success => true,
            CompletionOutcomes.Failure => (bool?)false,
            _ => null,
        };
        if (success is null)
        {
            return AdminBody.Invalid("outcome", $"Must be {CompletionOutcomes.Success} or {CompletionOutcomes.Failure}.");
        }

        // A success always reports 00 and a failure never does; any other two digits are the bank's reason for failing.
        var code = request.ResponseCode;
        if (code is not null && (code.Length != 2 || !code.All(char.IsAsciiDigit) || (code == PaymentResponseCodes.Success) != success.Value))
        {
            return AdminBody.Invalid("response_code", success.Value ? "A success reports 00; leave it out." : "Two digits other than 00.");
        }

        var result = completion.Complete(txnRef, success.Value, code);
        return result.Status switch
        {
            CompletionStatus.Completed => View(result.Transaction!),
            CompletionStatus.NotFound => NotFound(txnRef),
            CompletionStatus.AlreadyCompleted => TypedResults.Problem($"Transaction {txnRef} is already completed.", statusCode: StatusCodes.Status409Conflict,
                title: "Already completed."),
            _ => TypedResults.Problem($"Transaction {txnRef} expired at {result.Transaction!.ExpireDate} (GMT+7).", statusCode: StatusCodes.Status409Conflict,
                title: "Expired."),
        };
    }

    private static IResult View(PaymentTransaction transaction) => TypedResults.Json(AdminViews.Of(transaction), AdminJsonContext.Default.TransactionView);

    private static IResult NotFound(string txnRef)
        => TypedResults.Problem($"No transaction {txnRef}.", statusCode: StatusCodes.Status404NotFound, title: "Not found.");
}
