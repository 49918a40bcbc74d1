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
        sim.MapGet("/ipn-log", ([Microsoft.AspNetCore.Mvc.FromQuery(Name = "txn_ref")] string? txnRef, IpnLog log)
            => TypedResults.Json(log.Entries(string.IsNullOrEmpty(txnRef) ? null : txnRef), AdminJsonContext.Default.IReadOnlyListIpnAttempt));
        sim.MapGet("/stats", (SimulatorStats stats)
            => TypedResults.Json(new StatsView(stats.QueryRequests, stats.QueryFailuresInjected, stats.IpnAttempts), AdminJsonContext.Default.StatsView));
        sim.MapFaultEndpoints();
        sim.MapTransactionAdminEndpoints();
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
