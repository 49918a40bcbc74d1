using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ServiceDefaults;

/// <summary>
/// Observability as every process of the product sets it up: JSON console logs whose lines carry the trace and span
/// ids, OpenTelemetry traces and metrics, Prometheus' <c>/metrics</c> (mapped by
/// <see cref="OperationalEndpoints.MapCommerceOperationalEndpoints"/>), and OTLP export when an endpoint is configured.
/// </summary>
public static class CommerceTelemetry
{
    /// <summary>The OTLP collector's address (OpenTelemetry's standard variable); unset, nothing is exported.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The service name on spans and metrics (OpenTelemetry's standard variable); unset, the process's default.</summary>
    public const string ServiceNameKey = "OTEL_SERVICE_NAME";

    /// <summary>
    /// Logs, traces and metrics for this process, named <c>OTEL_SERVICE_NAME</c> or else
    /// <paramref name="defaultServiceName"/>. Traces: incoming HTTP requests (not probes or scrapes), outgoing
    /// HttpClient calls, Orleans' grain calls, Npgsql commands, and our <c>Commerce.Outbox</c> and
    /// <c>Commerce.Notifications</c> sources. Metrics: ASP.NET Core's, Orleans' (<c>Microsoft.Orleans</c>), the runtime's,
    /// and every meter named <c>Commerce.*</c>. With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, all three signals go there
    /// (the other <c>OTEL_EXPORTER_OTLP_*</c> and <c>OTEL_TRACES_SAMPLER</c> settings apply); without it nothing is
    /// exported, and spans exist only so that trace ids reach the logs and the next process.
    /// </summary>
    public static TBuilder AddCommerceTelemetry<TBuilder>(this TBuilder builder, string defaultServiceName)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(defaultServiceName);
        builder.AddCommerceJsonLogs();

        // What /health/live and /health/ready run; each process adds its own checks, tagged "ready".
        builder.Services.AddHealthChecks();

        var serviceName = builder.Configuration[ServiceNameKey] is { Length: > 0 } configured ? configured : defaultServiceName;
        var exporting = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing =>
            {
                tracing
                    .AddAspNetCoreInstrumentation(options => options.Filter = context => !OperationalEndpoints.IsOperational(context.Request.Path))
                    .AddHttpClientInstrumentation()
                    .AddSource(TelemetryNames.OrleansApplicationActivitySource)
                    .AddSource(TelemetryNames.OutboxActivitySource, TelemetryNames.NotificationsActivitySource);
                if (exporting)
                {
                    // Recorded only for a collector: every database command and Orleans' own calls (membership probes,
                    // directory, reminders), mostly background work, would otherwise be spans made for nobody.
                    tracing.AddSource(TelemetryNames.OrleansRuntimeActivitySource).AddNpgsql();
                }
            })
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddMeter(TelemetryNames.OrleansMeter, TelemetryNames.CommerceMeters, TelemetryNames.RuntimeMeter)

                // A scrape sees the counters as they are now (a test reads one right after the change it counts);
                // scrapes come seconds apart, so caching them would save nothing.
                .AddPrometheusExporter(options => options.ScrapeResponseCacheDurationMilliseconds = 0));

        if (exporting)
        {
            telemetry.UseOtlpExporter();

            // Exported log records keep what the console's lines carry: the request id, the user, the grain id.
            builder.Services.Configure<OpenTelemetryLoggerOptions>(options =>
            {
                options.IncludeScopes = true;
                options.IncludeFormattedMessage = true;
            });
        }

        return builder;
    }
}
