using Grains.Payments;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>The merchant the tests are: its VNPay code and hash secret, shared by silos, front ends and the simulator.</summary>
public static class TestPayments
{
    public const string TmnCode = "TESTSHOP";
    public const string HashSecret = "test-hash-secret-0123456789abcdef";

    /// <summary>Silo settings for a gateway at <paramref name="gateway"/>, with a quick circuit breaker.</summary>
    public static VnPayOptions Options(Uri gateway) => new()
    {
        TmnCode = TmnCode,
        HashSecret = HashSecret,
        PayUrl = new Uri(gateway, "paymentv2/vpcpay.html"),
        ApiUrl = new Uri(gateway, "merchant_webapi/api/transaction"),
        AttemptTimeout = TimeSpan.FromSeconds(2),
        MaxRetries = 1,
        RetryDelay = TimeSpan.FromMilliseconds(50),
        BreakerFailureRatio = 0.5,
        BreakerMinimumThroughput = BreakerMinimumThroughput,
        BreakerSamplingDuration = TimeSpan.FromSeconds(30),
        BreakDuration = TimeSpan.FromSeconds(10),
    };

    /// <summary>Failed calls (at a ratio ≥ 0.5) after which a silo's circuit opens.</summary>
    public const int BreakerMinimumThroughput = 3;

    /// <summary>For clusters that never reach a gateway in a test's time (polls every 5 minutes).</summary>
    public static VnPayOptions Unreachable() => Options(new Uri("http://127.0.0.1:9/"));

    /// <summary><see cref="Options"/> as configuration ("VnPay:…" keys), for silos started from settings.</summary>
    public static Dictionary<string, string?> Settings(Uri gateway)
    {
        var options = Options(gateway);
        return new Dictionary<string, string?>
        {
            ["VnPay:TmnCode"] = options.TmnCode,
            ["VnPay:HashSecret"] = options.HashSecret,
            ["VnPay:PayUrl"] = options.PayUrl.AbsoluteUri,
            ["VnPay:ApiUrl"] = options.ApiUrl.AbsoluteUri,
            ["VnPay:AttemptTimeout"] = options.AttemptTimeout.ToString(),
            ["VnPay:MaxRetries"] = options.MaxRetries.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["VnPay:RetryDelay"] = options.RetryDelay.ToString(),
            ["VnPay:BreakerFailureRatio"] = options.BreakerFailureRatio.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["VnPay:BreakerMinimumThroughput"] = options.BreakerMinimumThroughput.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["VnPay:BreakerSamplingDuration"] = options.BreakerSamplingDuration.ToString(),
            ["VnPay:BreakDuration"] = options.BreakDuration.ToString(),
        };
    }
}
