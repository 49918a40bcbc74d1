using System.Globalization;
using System.Net;
using System.Text;
using PaymentGateway.Transactions;

namespace PaymentGateway.PayPage;

/// <summary>
/// The simulator's pages. Every value shown came from a merchant's request, so all of it is HTML-encoded. The forms
/// carry no antiforgery token on purpose: this stands in for a third party's page, and tests post to it directly.
/// </summary>
public static class PayPageHtml
{
    public const string CompletePath = "/paymentv2/complete";

    public static string Payment(PaymentTransaction transaction, string tmnCode)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var body = new StringBuilder()
            .Append("<h1>VNPay sandbox (simulated)</h1>\n<dl>\n")
            .Append(Row("Merchant", tmnCode))
            .Append(Row("Transaction reference", transaction.TxnRef))
            .Append(Row("Order", transaction.OrderInfo))
            .Append(Row("Amount", FormatAmount(transaction.Amount)))
            .Append("</dl>\n");
        if (transaction.Outcome is { } outcome)
        {
            // A reload after completion shows the same payment, but it can no longer be paid.
            body.Append("<p id=\"completed\">This payment has already ").Append(outcome.Succeeded ? "succeeded" : "failed")
                .Append(" (transaction ").Append(Encode(outcome.TransactionNo)).Append(").</p>\n");
        }
        else
        {
            body.Append(Button(transaction.TxnRef, "success", "Pay")).Append(Button(transaction.TxnRef, "failure", "Cancel"));
        }

        return Document("Pay " + FormatAmount(transaction.Amount), body.ToString());
    }

    public static string Error(PayPageError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return Document("Payment error " + error.Code,
            $"<h1>Payment error</h1>\n<p>Code: <code id=\"code\">{Encode(error.Code)}</code></p>\n<p id=\"message\">{Encode(error.Message)}</p>\n");
    }

    /// <summary>"125,000 VND": whole dong with thousands separators, as VNPay shows amounts.</summary>
    public static string FormatAmount(long amount) => amount.ToString("#,0", CultureInfo.InvariantCulture) + " VND";

    private static string Row(string label, string value) => $"<dt>{Encode(label)}</dt><dd>{Encode(value)}</dd>\n";

    private static string Button(string txnRef, string outcome, string label)
        => $"<form method=\"post\" action=\"{CompletePath}\">"
            + $"<input type=\"hidden\" name=\"txn_ref\" value=\"{Encode(txnRef)}\">"
            + $"<input type=\"hidden\" name=\"outcome\" value=\"{outcome}\">"
            + $"<button type=\"submit\">{Encode(label)}</button></form>\n";

    private static string Document(string title, string body)
        => $"<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>{Encode(title)}</title></head>\n<body>\n{body}</body>\n</html>\n";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
