using System.Diagnostics.Metrics;
using Payments.VnPay;
using WebFrontend.RateLimiting;

namespace WebFrontend.Hosting;

/// <summary>
/// What the front end turns away or answers on its own, as counters: requests over a client's budget (429), orders
/// shed by the order concurrency bound (503), and the IPN's answers to the gateway by <c>RspCode</c>. Tags come from
/// small fixed sets (no user, order or address), so each counter stays a handful of series.
/// </summary>
public sealed class FrontendMetrics
{
    public const string MeterName = "Commerce.Frontend";
    public const string RateLimitedName = "commerce.http.rate_limited";
    public const string OrdersShedName = "commerce.http.orders_shed";
    public const string IpnRepliesName = "commerce.ipn.replies";
    public const string CustomerDashboardSourceFailuresName = "commerce.customer_dashboard.source_failures";

    private static readonly KeyValuePair<string, object?> s_ordersBudget = new("budget", "orders");
    private static readonly KeyValuePair<string, object?> s_writesBudget = new("budget", "writes");

    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _ordersShed;
    private readonly Counter<long> _ipnReplies;
    private readonly Counter<long> _customerDashboardSourceFailures;

    public FrontendMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _rateLimited = meter.CreateCounter<long>(RateLimitedName, description: "Requests answered 429 because the client used up a budget, by budget: orders, writes.");
        _ordersShed = meter.CreateCounter<long>(OrdersShedName, description: "Order placements answered 503 because this front end's order queue was full.");
        _ipnReplies = meter.CreateCounter<long>(IpnRepliesName, description: "IPN calls answered, by the RspCode the gateway was given (00, 01, 02, 04, 97, 99).");
        _customerDashboardSourceFailures = meter.CreateCounter<long>(CustomerDashboardSourceFailuresName,
            description: "Dashboard sources that failed or timed out, by source: a fallback in degraded, or a 503 for user and permissions.");
    }

    public void RateLimited(RateLimitBudget budget) => _rateLimited.Add(1, budget == RateLimitBudget.Orders ? s_ordersBudget : s_writesBudget);

    public void OrderShed() => _ordersShed.Add(1);

    /// <param name="source">One of the dashboard's fixed source names.</param>
    public void CustomerDashboardSourceFailed(string source) => _customerDashboardSourceFailures.Add(1, new KeyValuePair<string, object?>("source", source));

    /// <param name="rspCode">One of <see cref="IpnReplyCodes"/>: the tag's values are that fixed set.</param>
    public void IpnAnswered(string rspCode) => _ipnReplies.Add(1, new KeyValuePair<string, object?>("rsp_code", rspCode));
}
