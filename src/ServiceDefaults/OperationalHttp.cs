using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ServiceDefaults;

/// <summary>
/// HTTP for a process whose only HTTP is operational (<c>/metrics</c>, <c>/health/*</c>): a silo, a worker. It listens
/// only on the port its configuration names, never on a default: several such processes run on one machine (tests,
/// benchmarks, local-cluster.sh), and a default port, or an <c>ASPNETCORE_URLS</c> they all inherit, would collide.
/// </summary>
public static class OperationalHttp
{
    /// <summary>
    /// Listens on <c>&lt;section&gt;:HttpPort</c> at <paramref name="address"/> (null: every address) when that is set,
    /// and serves no HTTP at all when it is not; <c>ASPNETCORE_URLS</c> is ignored either way. A port outside 1–65535
    /// stops the start naming the setting. Map the endpoints with
    /// <see cref="OperationalEndpoints.MapCommerceOperationalEndpoints"/>.
    /// </summary>
    public static WebApplicationBuilder ListenForOperations(this WebApplicationBuilder builder, string section, IPAddress? address)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(section);
        builder.Services.AddOptions<OperationalHttpOptions>().BindConfiguration(section).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OperationalHttpOptions>>(new OperationalHttpOptionsValidator(section)));
        var port = builder.Configuration.GetSection(section).GetValue<int?>(nameof(OperationalHttpOptions.HttpPort));
        if (port is not (>= 1 and <= IPEndPoint.MaxPort))
        {
            // Unset: no HTTP. Out of range: none either, and the validator stops the start.
            builder.Services.Replace(ServiceDescriptor.Singleton<IServer, NoHttpServer>());
            return builder;
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (address is null)
            {
                kestrel.ListenAnyIP(port.Value);
            }
            else
            {
                kestrel.Listen(address, port.Value);
            }
        });
        return builder;
    }
}

/// <summary>The operational HTTP port of <see cref="OperationalHttp"/>, under the section the process names.</summary>
public sealed class OperationalHttpOptions
{
    /// <summary>Unset: no HTTP.</summary>
    public int? HttpPort { get; set; }
}

internal sealed class OperationalHttpOptionsValidator(string section) : IValidateOptions<OperationalHttpOptions>
{
    public ValidateOptionsResult Validate(string? name, OperationalHttpOptions options)
        => options.HttpPort is null or (>= 1 and <= IPEndPoint.MaxPort)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{section}:HttpPort is {options.HttpPort}: a port is 1–65535 (or unset for no HTTP).");
}
