using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ServiceDefaults;

/// <summary>One JSON object per log line on standard output, what log shippers read without a parsing rule.</summary>
internal static class JsonConsoleLogs
{
    public static void AddCommerceJsonLogs(this IHostApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(options =>
        {
            // Scopes carry the request id, the user, the grain id (RequestLogScopeFilter), and the trace and span ids.
            options.IncludeScopes = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });

        // Every line written inside an activity (an HTTP request, a grain call, a relay delivery) carries its trace and
        // span ids, whatever the host's defaults: a test host built without them gets them too. And its parent span's
        // id: with no collector, the logs alone still tell which span a process continued (a worker's handling, the
        // relay's publish of the event).
        builder.Logging.Configure(options => options.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
    }
}
