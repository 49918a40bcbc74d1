using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Grains.Persistence.Hosting;

/// <summary>
/// Whoever reaches a silo or gateway port can call any grain (credit a wallet, cancel an order). Outside Development,
/// a silo that listens beyond loopback without a cluster certificate says so once at start, naming the setting; it
/// still starts, since a private network the operator controls is a valid way to keep those ports closed.
/// </summary>
internal sealed partial class OpenClusterPortsWarning(
    IOptions<ClusterTlsOptions> tls,
    IOptions<EndpointOptions> endpoints,
    IHostEnvironment environment,
    ILogger<OpenClusterPortsWarning> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(OpenClusterPortsWarning), ServiceLifecycleStage.RuntimeInitialize, _ =>
        {
            var options = endpoints.Value;
            var silo = options.SiloListeningEndpoint ?? new IPEndPoint(options.AdvertisedIPAddress, options.SiloPort);
            var gateway = options.GatewayListeningEndpoint ?? new IPEndPoint(options.AdvertisedIPAddress, options.GatewayPort);
            var exposed = !IPAddress.IsLoopback(silo.Address) || (options.GatewayPort != 0 && !IPAddress.IsLoopback(gateway.Address));
            if (exposed && !tls.Value.IsConfigured && !environment.IsDevelopment())
            {
                LogOpenPorts(logger, silo, gateway);
            }

            return Task.CompletedTask;
        });

    [LoggerMessage(1, LogLevel.Warning,
        "ClusterTls:CertificatePath is not set, and the silo port {SiloEndpoint} and gateway port {GatewayEndpoint} listen beyond loopback in plain TCP: "
        + "whoever reaches them can call any grain. Set ClusterTls:CertificatePath for mutual TLS, or keep these ports on a private network (README \"Network model\").")]
    private static partial void LogOpenPorts(ILogger logger, IPEndPoint siloEndpoint, IPEndPoint gatewayEndpoint);
}
