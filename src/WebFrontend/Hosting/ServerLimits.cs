using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using WebFrontend.Http;

namespace WebFrontend.Hosting;

public static class ServerLimits
{
    /// <summary>
    /// Kestrel takes no body over Frontend:MaxRequestBodyBytes on any endpoint: the JSON endpoints check it as they read
    /// (RequestBody), but a form (the dashboard's sign-in, read by the antiforgery check before anyone signs in) would
    /// otherwise be buffered up to Kestrel's own 30 MB. Nor does it name itself in a Server header.
    /// </summary>
    public static IServiceCollection AddServerLimits(this IServiceCollection services)
    {
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<FrontendOptions>>((kestrel, frontend) =>
        {
            kestrel.Limits.MaxRequestBodySize = frontend.Value.MaxRequestBodyBytes;
            kestrel.AddServerHeader = false;
        });
        return services;
    }
}
