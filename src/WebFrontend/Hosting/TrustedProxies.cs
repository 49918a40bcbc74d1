using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using IPNetwork = System.Net.IPNetwork;

namespace WebFrontend.Hosting;

/// <summary>
/// The reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> the front end believes, bound from the
/// "ForwardedHeaders" section. None by default: the client's address (what an order sends VNPay as <c>vnp_IpAddr</c>,
/// what the logs show) is then the socket's peer, and no client can choose it by sending the header.
/// </summary>
public sealed class TrustedProxyOptions
{
    public const string SectionName = "ForwardedHeaders";

    /// <summary>Addresses of the proxies in front of this front end ("10.0.0.5", "::1").</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks of such proxies in CIDR notation ("10.0.0.0/8").</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>How many proxies deep the headers are read (a CDN before a load balancer: 2, each of them known).</summary>
    public int ForwardLimit { get; set; } = 1;
}

/// <summary>Checked at start (ValidateOnStart): a proxy entry that is not an address or network stops the start.</summary>
public sealed class TrustedProxyOptionsValidator : IValidateOptions<TrustedProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, TrustedProxyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.KnownProxies.Where(proxy => !IPAddress.TryParse(proxy, out _)).ToList() is { Count: > 0 } badProxies)
        {
            failures.Add($"ForwardedHeaders:KnownProxies holds IP addresses; not one: {string.Join(", ", badProxies)}.");
        }

        if (options.KnownNetworks.Where(network => !IPNetwork.TryParse(network, out _)).ToList() is { Count: > 0 } badNetworks)
        {
            failures.Add($"ForwardedHeaders:KnownNetworks holds networks in CIDR notation (10.0.0.0/8); not one: {string.Join(", ", badNetworks)}.");
        }

        if (options.ForwardLimit < 1)
        {
            failures.Add("ForwardedHeaders:ForwardLimit is at least 1.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public static class TrustedProxies
{
    /// <summary>
    /// ASP.NET Core's <see cref="ForwardedHeadersOptions"/> from the "ForwardedHeaders" section: only the configured
    /// proxies and networks (its loopback defaults are dropped), <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>.
    /// </summary>
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services)
    {
        services.AddOptions<TrustedProxyOptions>().BindConfiguration(TrustedProxyOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TrustedProxyOptions>, TrustedProxyOptionsValidator>());
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxyOptions>>((forwarded, trusted) =>
        {
            var settings = trusted.Value;
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.ForwardLimit = settings.ForwardLimit;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in settings.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in settings.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(IPNetwork.Parse(network));
            }
        });
        return services;
    }
}

/// <summary>
/// ASP.NET Core's forwarded-headers middleware when at least one proxy is configured, nothing otherwise: with empty
/// proxy lists that middleware would believe every peer.
/// </summary>
public sealed class TrustedForwardedHeadersMiddleware
{
    private readonly RequestDelegate _next;

    public TrustedForwardedHeadersMiddleware(RequestDelegate next, IOptions<ForwardedHeadersOptions> options, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        var forwarded = options.Value;
        _next = forwarded.KnownProxies.Count == 0 && forwarded.KnownIPNetworks.Count == 0
            ? next
            : new ForwardedHeadersMiddleware(next, loggers, options).Invoke;
    }

    public Task InvokeAsync(HttpContext context) => _next(context);
}
