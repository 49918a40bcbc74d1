using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace Grains.Persistence.Hosting;

/// <summary>
/// Mutual TLS between silos and between clients and gateways, when the "ClusterTls" section names a cluster
/// certificate (<see cref="ClusterTlsOptions"/>); plain TCP, as before, when it does not.
/// </summary>
public static class ClusterTls
{
    /// <summary>
    /// A silo's silo and gateway ports accept only peers presenting the cluster certificate, and its connections to
    /// other silos present it. Outside Development a silo without one that listens beyond loopback says so at start.
    /// </summary>
    public static ISiloBuilder UseClusterTls(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        AddSettings(silo.Services);
        silo.Services.AddOptions<SiloConnectionOptions>().Configure<IOptions<ClusterTlsOptions>>((connections, settings) =>
        {
            if (TlsFor(settings.Value) is { } tls)
            {
                connections.ConfigureSiloInboundConnection(connection => connection.UseServerTls(tls));
                connections.ConfigureGatewayInboundConnection(connection => connection.UseServerTls(tls));
                connections.ConfigureSiloOutboundConnection(connection => connection.UseClientTls(tls));
            }
        });
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, OpenClusterPortsWarning>();
        return silo;
    }

    /// <summary>A client's connections to gateways present the cluster certificate and accept only gateways presenting it.</summary>
    public static IClientBuilder UseClusterTls(this IClientBuilder client)
    {
        ArgumentNullException.ThrowIfNull(client);
        AddSettings(client.Services);
        client.Services.AddOptions<ClientConnectionOptions>().Configure<IOptions<ClusterTlsOptions>>((connections, settings) =>
        {
            if (TlsFor(settings.Value) is { } tls)
            {
                connections.ConfigureConnection(connection => connection.UseClientTls(tls));
            }
        });
        return client;
    }

    private static void AddSettings(IServiceCollection services)
    {
        services.AddOptions<ClusterTlsOptions>().BindConfiguration(ClusterTlsOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClusterTlsOptions>, ClusterTlsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
    }

    /// <summary>
    /// Both directions demand a certificate (Orleans' server side asks for the client's; its client side must send
    /// one), and a peer's is judged by <see cref="ClusterCertificate.Recognizer"/> alone: the cluster certificate is
    /// usually self-signed, so chain and host name errors say nothing about it.
    /// </summary>
    private static TlsOptions? TlsFor(ClusterTlsOptions settings)
    {
        if (!settings.IsConfigured)
        {
            return null;
        }

        var certificate = ClusterCertificate.Load(settings);
        var recognizes = ClusterCertificate.Recognizer(certificate, settings.TrustedThumbprints);
        return new TlsOptions
        {
            LocalCertificate = certificate,
            RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
            ClientCertificateMode = RemoteCertificateMode.RequireCertificate,
            RemoteCertificateValidation = (peer, _, _) => recognizes(peer),
        };
    }
}
