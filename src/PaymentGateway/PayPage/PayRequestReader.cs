using System.Net;
using Payments.VnPay;
using PaymentGateway.Merchant;
using PaymentGateway.Transactions;

namespace PaymentGateway.PayPage;

/// <summary>
/// Reads a pay URL's parameters the way VNPay does: checksum first (97), then every required field (03, naming each
/// problem), giving the transaction the request asks for.
/// </summary>
public static class PayRequestReader
{
    private const int MaxTxnRefLength = 100;

    public static (PaymentTransaction? Requested, PayPageError? Error) Read(IQueryCollection query, MerchantAccount merchant)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(merchant);

        var repeated = query.Where(p => p.Key.StartsWith(VnPayFields.Prefix, StringComparison.Ordinal) && p.Value.Count > 1).Select(p => p.Key).ToList();
        if (repeated.Count > 0)
        {
            // Which of two values was signed is ambiguous, so the request is malformed rather than merely mis-signed.
            return (null, new PayPageError(PayPageError.InvalidData, $"Given more than once: {string.Join(", ", repeated)}."));
        }

        var fields = query.Where(p => p.Key.StartsWith(VnPayFields.Prefix, StringComparison.Ordinal))
            .Select(p => new KeyValuePair<string, string?>(p.Key, p.Value.ToString()))
            .ToList();
        if (!VnPaySignature.VerifyQuery(merchant.HashSecret, fields, query[VnPayFields.SecureHash].ToString()))
        {
            return (null, new PayPageError(PayPageError.InvalidChecksum, "Invalid checksum (vnp_SecureHash)."));
        }

        var problems = new List<string>();
        string Field(string name) => query.TryGetValue(name, out var value) ? value.ToString() : "";
        void Expect(string name, string expected)
        {
            if (Field(name) != expected)
            {
                problems.Add($"{name} must be {expected}.");
            }
        }

        Expect(VnPayFields.Version, VnPayProtocol.Version);
        Expect(VnPayFields.Command, VnPayProtocol.PayCommand);
        Expect(VnPayFields.TmnCode, merchant.TmnCode);
        Expect(VnPayFields.CurrCode, VnPayProtocol.Currency);

        var amount = VnPayAmount.Parse(Field(VnPayFields.Amount));
        if (amount is not > 0)
        {
            problems.Add($"{VnPayFields.Amount} must be a positive multiple of {VnPayProtocol.AmountMultiplier}.");
        }

        var txnRef = Field(VnPayFields.TxnRef);
        if (txnRef.Length is 0 or > MaxTxnRefLength)
        {
            problems.Add($"{VnPayFields.TxnRef} must be 1 to {MaxTxnRefLength} characters.");
        }

        var orderInfo = Field(VnPayFields.OrderInfo);
        if (string.IsNullOrWhiteSpace(orderInfo))
        {
            problems.Add($"{VnPayFields.OrderInfo} is required.");
        }

        var returnUrl = Field(VnPayFields.ReturnUrl);
        if (!HttpUrl.TryParse(returnUrl, out _))
        {
            problems.Add($"{VnPayFields.ReturnUrl} must be an absolute http(s) URL.");
        }

        if (!IPAddress.TryParse(Field(VnPayFields.IpAddr), out _))
        {
            problems.Add($"{VnPayFields.IpAddr} must be the shopper's IP address.");
        }

        var createDate = Field(VnPayFields.CreateDate);
        if (!VnPayTime.TryParse(createDate, out _))
        {
            problems.Add($"{VnPayFields.CreateDate} must be yyyyMMddHHmmss (GMT+7).");
        }

        var expireDate = Field(VnPayFields.ExpireDate);
        if (!VnPayTime.TryParse(expireDate, out var expiresAt))
        {
            problems.Add($"{VnPayFields.ExpireDate} must be yyyyMMddHHmmss (GMT+7).");
        }

        if (problems.Count > 0)
        {
            return (null, new PayPageError(PayPageError.InvalidData, string.Join(" ", problems)));
        }

        return (new PaymentTransaction(txnRef, amount!.Value, orderInfo, returnUrl, createDate, expireDate, expiresAt), null);
    }
}
