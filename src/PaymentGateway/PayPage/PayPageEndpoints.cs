using System.Text;
using Payments.VnPay;
using PaymentGateway.Merchant;
using PaymentGateway.Transactions;

namespace PaymentGateway.PayPage;

/// <summary>The shopper's side: the pay page a merchant redirects to, and its buttons, which redirect back to the merchant.</summary>
public static class PayPageEndpoints
{
    public const string PayPagePath = "/paymentv2/vpcpay.html";

    public static void MapPayPageEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(PayPagePath, ShowPayPage);
        app.MapPost(PayPageHtml.CompletePath, CompleteAsync);
    }

    private static IResult ShowPayPage(HttpContext context, MerchantAccount merchant, TransactionBook book, TimeProvider time)
    {
        var (requested, error) = PayRequestReader.Read(context.Request.Query, merchant);
        if (error is not null)
        {
            return ErrorPage(error);
        }

        if (time.GetUtcNow() > requested!.ExpiresAt)
        {
            return ErrorPage(new PayPageError(PayPageError.Expired, $"The payment link expired at {requested.ExpireDate} (GMT+7)."));
        }

        var registration = book.Register(requested);
        if (registration.Status == RegistrationStatus.AmountConflict)
        {
            return ErrorPage(new PayPageError(PayPageError.DuplicateReference,
                $"{VnPayFields.TxnRef} {requested.TxnRef} is already registered for {PayPageHtml.FormatAmount(registration.Transaction.Amount)}."));
        }

        return Html(PayPageHtml.Payment(registration.Transaction, merchant.TmnCode), StatusCodes.Status200OK);
    }

    private static async Task<IResult> CompleteAsync(HttpContext context, PaymentCompletion completion, MerchantAccount merchant)
    {
        if (!context.Request.HasFormContentType)
        {
            return ErrorPage(new PayPageError(PayPageError.InvalidData, "Expected a form."));
        }

        // Read by hand rather than bound: form binding would demand antiforgery tokens this page does not issue.
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var txnRef = form["txn_ref"].ToString();
        var outcome = form["outcome"].ToString();
        if (txnRef.Length == 0 || outcome is not ("success" or "failure"))
        {
            return ErrorPage(new PayPageError(PayPageError.InvalidData, "Expected txn_ref and outcome (success or failure)."));
        }

        var result = completion.Complete(txnRef, outcome == "success", failureCode: null);
        return result.Status switch
        {
            CompletionStatus.Completed => TypedResults.Redirect(HttpUrl.WithQuery(result.Transaction!.ReturnUrl,
                VnPaySignature.SignedQueryString(merchant.HashSecret, PaymentResultFields.Of(result.Transaction, merchant.TmnCode)))),
            CompletionStatus.NotFound => ErrorPage(new PayPageError(PayPageError.OtherError, $"No transaction {txnRef}.", StatusCodes.Status404NotFound)),
            CompletionStatus.AlreadyCompleted => ErrorPage(new PayPageError(PayPageError.OtherError, $"Transaction {txnRef} is already completed.",
                StatusCodes.Status409Conflict)),
            _ => ErrorPage(new PayPageError(PayPageError.Expired, $"Transaction {txnRef} expired at {result.Transaction!.ExpireDate} (GMT+7).",
                StatusCodes.Status409Conflict)),
        };
    }

    private static IResult ErrorPage(PayPageError error) => Html(PayPageHtml.Error(error), error.HttpStatus);

    private static IResult Html(string html, int status) => TypedResults.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
}
