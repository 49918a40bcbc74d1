using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ServiceDefaults;

/// <summary>What orchestrators and scrapers call on every process that serves HTTP: liveness, readiness and metrics.</summary>
public static class OperationalEndpoints
{
    /// <summary>Tag a health check with this to make it part of readiness; untagged checks are not run by any probe.</summary>
    public const string ReadyTag = "ready";

    public const string LivePath = "/health/live";

    public const string ReadyPath = "/health/ready";

    public const string MetricsPath = "/metrics";

    /// <summary>
    /// <c>/health/live</c> (the process answers: runs no check), <c>/health/ready</c> (every check tagged
    /// <see cref="ReadyTag"/> passes), and <c>/metrics</c> (Prometheus' text format, from
    /// <see cref="CommerceTelemetry.AddCommerceTelemetry{TBuilder}"/>). None needs authentication: keep them off the
    /// public route of a reverse proxy.
    /// </summary>
    public static IEndpointRouteBuilder MapCommerceOperationalEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        endpoints.MapPrometheusScrapingEndpoint(MetricsPath);
        return endpoints;
    }

    /// <summary>Probes and scrapes, which come every few seconds and say nothing about the product: not traced.</summary>
    internal static bool IsOperational(PathString path)
        => path.StartsWithSegments("/health", StringComparison.Ordinal) || path.StartsWithSegments(MetricsPath, StringComparison.Ordinal);
}
