using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Silo;

/// <summary>Where the silo's HTTP endpoints listen, if anywhere (<see cref="SiloHttpOptions"/>).</summary>
internal static class SiloHttp
{
    public static void AddSiloHttp(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SiloHttpOptions>().BindConfiguration(SiloHttpOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var port = builder.Configuration.GetSection(SiloHttpOptions.SectionName).GetValue<int?>(nameof(SiloHttpOptions.HttpPort));
        if (port is not (>= 1 and <= IPEndPoint.MaxPort))
        {
            // Unset: no HTTP. Out of range: none either, and ValidateOnStart stops the start naming Silo:HttpPort.
            builder.Services.Replace(ServiceDescriptor.Singleton<IServer, NoHttpServer>());
            return;
        }

        var endpoints = builder.Configuration.GetSection("Endpoints");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (endpoints.GetValue("ListenOnAnyHostAddress", false))
            {
                kestrel.ListenAnyIP(port.Value);
            }
            else
            {
                kestrel.Listen(IPAddress.Parse(endpoints["AdvertisedIPAddress"] ?? "127.0.0.1"), port.Value);
            }
        });
    }
}
