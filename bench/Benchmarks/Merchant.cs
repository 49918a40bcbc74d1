namespace Benchmarks;

/// <summary>
/// The VNPay merchant settings every silo and front end requires at start (VnPay:TmnCode and VnPay:HashSecret), for a
/// merchant that exists only in these benchmarks. Without the simulator the gateway's URLs point at a closed loopback
/// port, so nothing a benchmark starts can ever call out of this machine.
/// </summary>
public static class Merchant
{
    public const string TmnCode = "BENCHSHOP";
    public const string HashSecret = "benchmark-merchant-hash-secret-0123456789";

    private static readonly Uri s_nowhere = new("http://127.0.0.1:9/");

    /// <summary>Environment-variable form, for silo and front-end processes; the simulator's URLs when given.</summary>
    public static Dictionary<string, string> Environment(PaymentGatewayProcess? gateway = null, Uri? returnTo = null) => new()
    {
        ["VnPay__TmnCode"] = TmnCode,
        ["VnPay__HashSecret"] = HashSecret,
        ["VnPay__PayUrl"] = (gateway?.PayUrl ?? new Uri(s_nowhere, "paymentv2/vpcpay.html")).ToString(),
        ["VnPay__ApiUrl"] = (gateway?.ApiUrl ?? new Uri(s_nowhere, "merchant_webapi/api/transaction")).ToString(),
        ["VnPay__ReturnUrl"] = new Uri(returnTo ?? s_nowhere, "/api/v1/payments/vnpay/return").ToString(),
    };

    /// <summary>Configuration-key form ("VnPay:TmnCode"), for silos in this process.</summary>
    public static Dictionary<string, string?> Configuration()
        => Environment().ToDictionary(pair => pair.Key.Replace("__", ":", StringComparison.Ordinal), pair => (string?)pair.Value);
}
