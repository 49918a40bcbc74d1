using Microsoft.Extensions.Options;
using WebFrontend.Hosting;

namespace WebFrontend.Features.CustomerDashboard;

/// <summary>What the fan-out came to: every part's value (a fallback for those in <see cref="Degraded"/>), or the critical source that failed.</summary>
public sealed record DashboardOutcome(IReadOnlyDictionary<string, object?> Values, IReadOnlyList<string> Degraded, string? FailedCriticalSource);

/// <summary>
/// Fetches every dashboard source at once (case C2), each under its own timeout, so the dashboard takes as long as
/// its slowest healthy source, never the sum. A non-critical source that fails or times out gives its fallback and
/// its name in <c>degraded</c>; a critical one fails the whole dashboard at once, and the sources still running are
/// cancelled then, as they are when the request ends. Timeouts run on its clock: tests drive it.
/// </summary>
public sealed partial class CustomerDashboardFanOut
{
    /// <summary>The key of a <see cref="TimeProvider"/> for the timeouts alone (a test's fake clock); without it, the host's.</summary>
    public const string ClockKey = "customer-dashboard";

    private readonly IDashboardSource[] _sources;
    private readonly IOptions<CustomerDashboardOptions> _options;
    private readonly TimeProvider _clock;
    private readonly FrontendMetrics _metrics;
    private readonly ILogger<CustomerDashboardFanOut> _logger;

    public CustomerDashboardFanOut(IEnumerable<IDashboardSource> sources, IOptions<CustomerDashboardOptions> options, TimeProvider clock, FrontendMetrics metrics,
        ILogger<CustomerDashboardFanOut> logger)
    {
        // A later registration of a name replaces an earlier one: how a test or a deployment swaps one source.
        _sources = [.. sources.GroupBy(s => s.Name, StringComparer.Ordinal).Select(g => g.Last()).OrderBy(s => s.Name, StringComparer.Ordinal)];

        // Checked when the fan-out is first built (the first dashboard), not at start: the sources need the cluster
        // client, which a start-up check would build before its own settings were checked.
        if (DashboardSources.Missing(_sources) is { Count: > 0 } missing)
        {
            throw new InvalidOperationException($"No dashboard source is registered for {string.Join(", ", missing)}.");
        }

        _options = options;
        _clock = clock;
        _metrics = metrics;
        _logger = logger;
    }

    public async Task<DashboardOutcome> FetchAsync(DashboardCaller caller, CancellationToken requestAborted)
    {
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        var results = await Task.WhenAll(_sources.Select(source => FetchAsync(source, caller, abandon))).ConfigureAwait(false);
        requestAborted.ThrowIfCancellationRequested();
        var failedCritical = results.Where(r => r.Failed && r.Source.IsCritical).Select(r => r.Source.Name).FirstOrDefault();
        var degraded = results.Where(r => r.Failed && !r.Source.IsCritical).Select(r => r.Source.Name).Order(StringComparer.Ordinal).ToList();
        return new DashboardOutcome(results.ToDictionary(r => r.Source.Name, r => r.Value, StringComparer.Ordinal), degraded, failedCritical);
    }

    private async Task<SourceResult> FetchAsync(IDashboardSource source, DashboardCaller caller, CancellationTokenSource abandon)
    {
        // The sources start one after another until each first awaits: one a critical failure before it (or the request's
        // end) has already abandoned is not started at all, as nobody needs its part.
        if (abandon.IsCancellationRequested)
        {
            return new SourceResult(source, null, Failed: false);
        }

        var timeout = _options.Value.TimeoutOf(source.Name);
        using var timer = new CancellationTokenSource(timeout, _clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, abandon.Token);
        try
        {
            // WaitAsync: a source that does not watch its token (a call in flight) is left behind at the deadline, not awaited.
            return new SourceResult(source, await source.FetchAsync(caller, linked.Token).WaitAsync(linked.Token).ConfigureAwait(false), Failed: false);
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            // The request ended, or a critical source failed and the answer is already a 503: nobody needs this part.
            return new SourceResult(source, null, Failed: false);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested)
        {
            LogTimedOut(source.Name, timeout, Consequence(source));
        }
        catch (Exception failure)
        {
            LogFailed(failure, source.Name, Consequence(source));
        }

        _metrics.CustomerDashboardSourceFailed(source.Name);
        if (source.IsCritical)
        {
            await abandon.CancelAsync().ConfigureAwait(false);
            return new SourceResult(source, null, Failed: true);
        }

        return new SourceResult(source, source.Fallback, Failed: true);
    }

    private static string Consequence(IDashboardSource source) => source.IsCritical ? "the dashboard is unavailable (503)" : "its default is shown, named in degraded";

    [LoggerMessage(1, LogLevel.Warning, "Dashboard source {Source} timed out after {Timeout}: {Consequence}.")]
    private partial void LogTimedOut(string source, TimeSpan timeout, string consequence);

    [LoggerMessage(2, LogLevel.Warning, "Dashboard source {Source} failed: {Consequence}.")]
    private partial void LogFailed(Exception error, string source, string consequence);

    private sealed record SourceResult(IDashboardSource Source, object? Value, bool Failed);
}
