using System.Net;
using System.Security.Cryptography.X509Certificates;
using Commerce.Testing;
using Grains.Wallets;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>
/// With a cluster certificate (README "Network model"), silos and their clients speak mutual TLS: each side presents
/// the cluster certificate and accepts only a peer that presents it too (or one listed in ClusterTls:TrustedThumbprints).
/// Whoever reaches a gateway port without it cannot call a grain.
/// </summary>
public sealed class ClusterTlsTests(TlsCluster cluster) : IClassFixture<TlsCluster>
{
    [Fact]
    public async Task A_client_with_the_cluster_certificate_calls_grains()
    {
        await using var client = await GatewayClient.ConnectAsync(cluster.GatewayPort, cluster.ClientSettings(cluster.ClusterCertificate));
        var wallet = client.Grains.GetGrain<IWalletGrain>(Seed.UniqueId("tls-wallet"));

        await wallet.Credit(5_000, Seed.UniqueId("credit"));

        Assert.Equal(5_000, (await wallet.Get())!.Balance);
    }

    [Fact]
    public async Task A_client_without_a_certificate_cannot_call_a_grain()
    {
        await using var client = GatewayClient.Create(cluster.GatewayPort);

        // Refused, and the silo logged the handshake failing for exactly this reason.
        await RefusedAsync(client, CorruptedFrame);
    }

    /// <summary>
    /// A stranger that accepts the silo's certificate (as an attacker's client would) and presents its own: the gateway
    /// refuses it. A stranger that does not accept the silo's certificate hangs up by itself.
    /// </summary>
    [Fact]
    public async Task A_client_with_another_certificate_cannot_call_a_grain()
    {
        using var stranger = ClusterCertificates.SelfSigned("stranger");
        var settings = cluster.ClientSettings(stranger);
        settings["ClusterTls:TrustedThumbprints:0"] = ClusterCertificates.Fingerprint(cluster.ClusterCertificate);
        await using var client = GatewayClient.Create(cluster.GatewayPort, settings);

        // Refused, and the silo logged the handshake failing for exactly this reason.
        await RefusedAsync(client, RejectedCertificate);
    }

    [Fact]
    public async Task A_client_with_another_certificate_refuses_the_silos_certificate()
    {
        using var stranger = ClusterCertificates.SelfSigned("stranger");
        await using var client = GatewayClient.Create(cluster.GatewayPort, cluster.ClientSettings(stranger));
        var refusal = client.FirstLog(r => r.Category == "Orleans.Connections.Security.TlsClientConnectionMiddleware");

        // The client hangs up mid-handshake: the silo logs a failure or a timeout, perhaps after this test has ended.
        await RefusedAsync(client, siloReason: null);

        var record = await refusal.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal("Authentication failed", record.Message);
        Assert.Contains(RejectedCertificate, record.Exception!.Message, StringComparison.Ordinal);
    }

    /// <summary>How a certificate is rotated without a cluster outage: trust the next one everywhere first.</summary>
    [Fact]
    public async Task A_client_with_a_certificate_the_cluster_also_trusts_calls_grains()
    {
        var settings = cluster.ClientSettings(cluster.NextCertificate);
        settings["ClusterTls:TrustedThumbprints:0"] = ClusterCertificates.Fingerprint(cluster.ClusterCertificate);
        await using var client = await GatewayClient.ConnectAsync(cluster.GatewayPort, settings);
        var wallet = client.Grains.GetGrain<IWalletGrain>(Seed.UniqueId("next-wallet"));

        await wallet.Credit(7_000, Seed.UniqueId("credit"));

        Assert.Equal(7_000, (await wallet.Get())!.Balance);
    }

    [Fact]
    public async Task The_front_end_with_the_cluster_certificate_serves_through_the_silos()
    {
        var settings = cluster.ClientSettings(cluster.ClusterCertificate).ToDictionary(s => s.Key, s => s.Value!);
        await using var frontEnd = new FrontEnd(cluster.ConnectionString, settings: settings);
        await frontEnd.ConnectedAsync();
        var product = await Seed.ProductAsync(frontEnd, stock: 4);
        using var client = frontEnd.ClientFor(null);

        var reply = await client.GetJsonAsync($"/api/v1/products/{product}");

        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
        Assert.Equal(4, reply.Json!["stock_available"]!.GetValue<int>());
    }

    /// <summary>What .NET's TLS stack says of a peer that does not speak TLS.</summary>
    private const string CorruptedFrame = "Cannot determine the frame size or a corrupted frame was received";

    /// <summary>What .NET's TLS stack says when <c>RemoteCertificateValidation</c> did not recognise the peer's certificate.</summary>
    private const string RejectedCertificate = "The remote certificate was rejected by the provided RemoteCertificateValidationCallback";

    /// <summary>
    /// Starts <paramref name="client"/> and waits until its first connection attempt to the gateway has failed and, when
    /// <paramref name="siloReason"/> is given, the silo has logged that reason for a failed TLS handshake (matched on the
    /// reason, so a late line about an earlier test's connection is not taken for this one's); the client never gets as
    /// far as started, so it cannot call a grain.
    /// </summary>
    private async Task RefusedAsync(GatewayClient client, string? siloReason)
    {
        var siloRefusal = siloReason is null
            ? Task.CompletedTask
            : cluster.Gateway.NextLine(line => line.Contains("TlsServerConnectionMiddleware", StringComparison.Ordinal)
                && line.Contains("Authentication failed", StringComparison.Ordinal) && line.Contains(siloReason, StringComparison.Ordinal));
        var failedAttempt = client.FirstLog(r => r.Category == "Orleans.Runtime.Messaging.ConnectionManager"
            && r.Message.StartsWith($"Connection attempt to endpoint S127.0.0.1:{cluster.GatewayPort}:0 failed", StringComparison.Ordinal));

        var started = client.StartAsync();
        var first = await Task.WhenAny(started, failedAttempt).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.True(first == failedAttempt, "The client connected to the gateway.");
        await siloRefusal.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.False(started.IsCompleted);
    }
}

/// <summary>Two silo processes on PostgreSQL, both with the cluster certificate and trusting the next one too.</summary>
public sealed class TlsCluster : IAsyncLifetime
{
    private readonly string _logs = Path.Combine(Path.GetTempPath(), $"cluster-tls-tests-{Guid.NewGuid():N}");
    private readonly ClusterCertificates _files = new();
    private readonly List<SiloProcess> _silos = [];

    public X509Certificate2 ClusterCertificate { get; } = ClusterCertificates.SelfSigned("commerce-cluster");

    /// <summary>A certificate the silos trust besides their own, as during a rotation.</summary>
    public X509Certificate2 NextCertificate { get; } = ClusterCertificates.SelfSigned("commerce-cluster-next");

    public string ConnectionString { get; private set; } = "";

    /// <summary>The silo the tests' clients connect to.</summary>
    public SiloProcess Gateway => _silos[0];

    public int GatewayPort => Gateway.GatewayPort;

    /// <summary>The "ClusterTls" settings of a client that presents <paramref name="certificate"/> (from a PFX file).</summary>
    public Dictionary<string, string?> ClientSettings(X509Certificate2 certificate) => new()
    {
        ["ClusterTls:CertificatePath"] = _files.Pfx(certificate),
        ["ClusterTls:CertificatePassword"] = ClusterCertificates.Password,
    };

    public async Task InitializeAsync()
    {
        ConnectionString = await SharedPostgres.CreateDatabaseAsync();
        var settings = TestPayments.Settings(new Uri("http://127.0.0.1:9/"));
        settings["ClusterTls:CertificatePath"] = _files.Pfx(ClusterCertificate);
        settings["ClusterTls:CertificatePassword"] = ClusterCertificates.Password;
        settings["ClusterTls:TrustedThumbprints:0"] = ClusterCertificates.Fingerprint(NextCertificate);
        var environment = settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);

        // The second silo joins only once it has talked to the first: silo-to-silo connections are mutual TLS too.
        foreach (var name in new[] { "tls-silo-1", "tls-silo-2" })
        {
            var silo = SiloProcess.Start(name, ConnectionString, _logs, environment);
            _silos.Add(silo);
            await silo.Started.WaitAsync(TimeSpan.FromMinutes(2));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        ClusterCertificate.Dispose();
        NextCertificate.Dispose();
        _files.Dispose();
    }
}
