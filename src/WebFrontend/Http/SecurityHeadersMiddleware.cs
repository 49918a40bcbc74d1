namespace WebFrontend.Http;

/// <summary>
/// The response headers OWASP asks of a JSON API (API8, security misconfiguration): no content sniffing and no framing
/// anywhere; on the API itself no caching by the browser or an intermediary of answers that may be someone's own data,
/// and a content policy that lets a response run nothing if a browser ever renders it. The dashboard and Swagger UI are
/// pages with scripts and styles of their own, so they keep their own caching and get no content policy.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public const string ApiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            // Set as the response starts: an exception handler clears the headers set before it.
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            if (!IsBrowserPage(context.Request.Path))
            {
                headers.ContentSecurityPolicy = ApiContentSecurityPolicy;
                if (string.IsNullOrEmpty(headers.CacheControl))
                {
                    headers.CacheControl = "no-store";
                }
            }

            return Task.CompletedTask;
        });
        return next(context);
    }

    private static bool IsBrowserPage(PathString path)
        => path.StartsWithSegments(Dashboard.DashboardAccess.Path, StringComparison.OrdinalIgnoreCase)
           || path.StartsWithSegments("/swagger", StringComparison.OrdinalIgnoreCase);
}
