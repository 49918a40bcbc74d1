using PaymentGateway.Hosting;
using PaymentGateway.Ipn;
using PaymentGateway.Merchant;

namespace PaymentGateway.Admin;

/// <summary>
/// The simulator's own API under /_sim, which VNPay does not have: what a merchant would set in VNPay's portal (the
/// IPN URL), what a shopper would do (complete a payment), faults to inject, and what happened (IPN log, counters).
/// </summary>
public static class AdminEndpoints
{
    public const string Prefix = "/_sim";

    public static void MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var sim = app.MapGroup(Prefix);
        sim.MapGet("/merchant", (MerchantAccount merchant) => MerchantResult(merchant));
        sim.MapPut("/merchant", SetMerchantAsync);
        sim.MapGet("/ipn-log", IpnLogAsync);
        sim.MapGet("/stats", (SimulatorStats stats)
            => TypedResults.Json(new StatsView(stats.QueryRequests, stats.QueryFailuresInjected, stats.IpnAttempts), AdminJsonContext.Default.StatsView));
        sim.MapFaultEndpoints();
        sim.MapTransactionAdminEndpoints();
    }

    /// <summary>
    /// The IPN log, of one reference with <c>txn_ref</c>. With <c>after=N</c> it is a long poll: it answers once there are
    /// more than N entries, or after <c>wait</c> seconds (default 30, at most 60) with what there is.
    /// </summary>
    private static async Task<IResult> IpnLogAsync(
        IpnLog log,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "txn_ref")] string? txnRef,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "after")] int? after,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "wait")] int? waitSeconds,
        CancellationToken cancellationToken)
    {
        var reference = string.IsNullOrEmpty(txnRef) ? null : txnRef;
        if (after is null)
        {
            return TypedResults.Json(log.Entries(reference), AdminJsonContext.Default.IReadOnlyListIpnAttempt);
        }

        if (after < 0 || waitSeconds is < 1 or > 60)
        {
            return AdminBody.Invalid("after", "after is a count (0 or more); wait is 1 to 60 seconds.");
        }

        var entries = await log.EntriesAfterAsync(reference, after.Value, TimeSpan.FromSeconds(waitSeconds ?? 30), cancellationToken);
        return TypedResults.Json(entries, AdminJsonContext.Default.IReadOnlyListIpnAttempt);
    }

    private static async Task<IResult> SetMerchantAsync(HttpContext context, MerchantAccount merchant)
    {
        var (request, problem) = await AdminBody.ReadAsync(context, AdminJsonContext.Default.SetMerchantRequest);
        if (problem is not null)
        {
            return problem;
        }

        // Null or empty clears it: IPNs are then recorded as undeliverable, which is how a merchant without one fares.
        if (string.IsNullOrEmpty(request!.IpnUrl))
        {
            merchant.IpnUrl = null;
        }
        else if (HttpUrl.TryParse(request.IpnUrl, out _))
        {
            merchant.IpnUrl = request.IpnUrl;
        }
        else
        {
            return AdminBody.Invalid("ipn_url", "Must be an absolute http(s) URL, or null.");
        }

        return MerchantResult(merchant);
    }

    private static IResult MerchantResult(MerchantAccount merchant)
        => TypedResults.Json(new MerchantView(merchant.TmnCode, merchant.IpnUrl), AdminJsonContext.Default.MerchantView);
}
