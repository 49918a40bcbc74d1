using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Grains.Payments;

/// <summary>
/// The merchant's VNPay settings, bound from the "VnPay" section. The defaults point at VNPay's sandbox, so a merchant
/// code and hash secret are all it takes to use it; tests and demos point the two URLs at the simulator.
/// </summary>
public sealed class VnPayOptions
{
    public const string SectionName = "VnPay";

    /// <summary>
    /// The gateway simulator's demo merchant secret, committed in this repository (the simulator's and the front end's
    /// Development settings): only the Development environment starts with it.
    /// </summary>
    public const string CommittedDemoHashSecret = "demo-hash-secret-change-me";

    public string TmnCode { get; set; } = "";

    public string HashSecret { get; set; } = "";

    /// <summary>The gateway's pay page, where the customer is sent.</summary>
    public Uri PayUrl { get; set; } = new("https://sandbox.vnpayment.vn/paymentv2/vpcpay.html");

    /// <summary>The gateway's transaction API (querydr).</summary>
    public Uri ApiUrl { get; set; } = new("https://sandbox.vnpayment.vn/merchant_webapi/api/transaction");

    /// <summary>Where the gateway sends the customer's browser back after paying.</summary>
    public Uri ReturnUrl { get; set; } = new("http://localhost:8080/api/v1/payments/vnpay/return");

    /// <summary>Our server's address, which querydr requests carry.</summary>
    public string ServerIp { get; set; } = "127.0.0.1";

    public string Locale { get; set; } = "vn";

    public string OrderType { get; set; } = "other";

    /// <summary>How long one call to the gateway may take.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries after a failed call (exponential back-off from <see cref="RetryDelay"/>, with jitter).</summary>
    public int MaxRetries { get; set; } = 2;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The circuit opens when at least this share of calls failed …</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>… among at least this many calls …</summary>
    public int BreakerMinimumThroughput { get; set; } = 5;

    /// <summary>… within this window.</summary>
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the circuit stays open (no calls, no new payments) before one call tries the gateway again.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Checked at start (ValidateOnStart), so a missing merchant secret stops the process, not the first payment; outside
/// Development so does the demo secret committed in this repository (front ends and silos alike).
/// </summary>
public sealed class VnPayOptionsValidator(IHostEnvironment environment) : IValidateOptions<VnPayOptions>
{
    public ValidateOptionsResult Validate(string? name, VnPayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.TmnCode) || string.IsNullOrWhiteSpace(options.HashSecret))
        {
            failures.Add("VnPay:TmnCode and VnPay:HashSecret must be set (the merchant's VNPay code and hash secret; see the README's configuration).");
        }
        else if (!environment.IsDevelopment() && string.Equals(options.HashSecret, VnPayOptions.CommittedDemoHashSecret, StringComparison.Ordinal))
        {
            failures.Add("VnPay:HashSecret is the simulator's demo secret committed in this repository; outside Development set the merchant's own "
                + $"secret (environment {environment.EnvironmentName}).");
        }

        if (options.BreakerFailureRatio is <= 0 or > 1 || options.BreakerMinimumThroughput < 2 || options.MaxRetries < 0)
        {
            failures.Add("VnPay: BreakerFailureRatio is in (0, 1], BreakerMinimumThroughput at least 2, MaxRetries at least 0.");
        }

        if (options.AttemptTimeout <= TimeSpan.Zero || options.BreakDuration <= TimeSpan.Zero || options.BreakerSamplingDuration <= TimeSpan.Zero)
        {
            failures.Add("VnPay: AttemptTimeout, BreakDuration and BreakerSamplingDuration are positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
