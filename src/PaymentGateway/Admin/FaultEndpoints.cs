using PaymentGateway.Ipn;
using PaymentGateway.Query;

namespace PaymentGateway.Admin;

/// <summary>Fault injection: each PUT replaces that whole fault set (fields left out mean no fault); DELETE clears both.</summary>
public static class FaultEndpoints
{
    /// <summary>Bounds that keep a typo from making the simulator hang or flood the merchant.</summary>
    private const int MaxDelayMs = 600_000;
    private const int MaxCopies = 100;
    private const int MaxReorderWindow = 1_000;

    public static void MapFaultEndpoints(this RouteGroupBuilder sim)
    {
        sim.MapGet("/faults", (IpnFaults ipn, StatusFaults status) => Faults(ipn, status));
        sim.MapPut("/faults/ipn", SetIpnFaultsAsync);
        sim.MapPut("/faults/status", SetStatusFaultsAsync);
        sim.MapDelete("/faults", (IpnFaults ipn, StatusFaults status) =>
        {
            ipn.Current = IpnFaultSettings.None;
            status.Current = StatusFaultSettings.None;
            return Faults(ipn, status);
        });
    }

    private static async Task<IResult> SetIpnFaultsAsync(HttpContext context, IpnFaults faults)
    {
        var (request, problem) = await AdminBody.ReadAsync(context, AdminJsonContext.Default.IpnFaultsRequest);
        if (problem is not null)
        {
            return problem;
        }

        var settings = new IpnFaultSettings(request!.Drop ?? false, request.DelayMs ?? 0, request.Copies ?? 1, request.ReorderWindow ?? 0);
        if (settings.DelayMs is < 0 or > MaxDelayMs)
        {
            return AdminBody.Invalid("delay_ms", $"Must be 0 to {MaxDelayMs}.");
        }

        if (settings.Copies is < 1 or > MaxCopies)
        {
            return AdminBody.Invalid("copies", $"Must be 1 to {MaxCopies}.");
        }

        if (settings.ReorderWindow is < 0 or > MaxReorderWindow)
        {
            return AdminBody.Invalid("reorder_window", $"Must be 0 to {MaxReorderWindow}.");
        }

        faults.Current = settings;
        return TypedResults.Json(AdminViews.Of(settings), AdminJsonContext.Default.IpnFaultsView);
    }

    private static async Task<IResult> SetStatusFaultsAsync(HttpContext context, StatusFaults faults)
    {
        var (request, problem) = await AdminBody.ReadAsync(context, AdminJsonContext.Default.StatusFaultsRequest);
        if (problem is not null)
        {
            return problem;
        }

        if (request!.LatencyMs is < 0 or > MaxDelayMs)
        {
            return AdminBody.Invalid("latency_ms", $"Must be 0 to {MaxDelayMs}.");
        }

        if (request.ErrorRate is { } rate && !(rate >= 0 && rate <= 1))
        {
            return AdminBody.Invalid("error_rate", "Must be 0 to 1.");
        }

        StatusErrorMode? mode = request.ErrorMode switch
        {
            null or StatusErrorModeNames.Http500 => StatusErrorMode.Http500,
            StatusErrorModeNames.Code99 => StatusErrorMode.Code99,
            _ => null,
        };
        if (mode is null)
        {
            return AdminBody.Invalid("error_mode", $"Must be {StatusErrorModeNames.Http500} or {StatusErrorModeNames.Code99}.");
        }

        var settings = new StatusFaultSettings(request.LatencyMs ?? 0, request.ErrorRate ?? 0, mode.Value, request.Down ?? false);
        faults.Current = settings;
        return TypedResults.Json(AdminViews.Of(settings), AdminJsonContext.Default.StatusFaultsView);
    }

    private static IResult Faults(IpnFaults ipn, StatusFaults status)
        => TypedResults.Json(new FaultsView(AdminViews.Of(ipn.Current), AdminViews.Of(status.Current)), AdminJsonContext.Default.FaultsView);
}
