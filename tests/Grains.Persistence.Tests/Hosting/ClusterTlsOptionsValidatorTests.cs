using System.Security.Cryptography.X509Certificates;
using Commerce.Testing;
using Grains.Persistence.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Grains.Persistence.Tests.Hosting;

/// <summary>
/// A cluster certificate that cannot serve stops the start with the setting it comes from (ValidateOnStart), and the
/// forms operators have (PFX with a password, PEM with the key beside it or in the same file) load.
/// </summary>
public sealed class ClusterTlsOptionsValidatorTests : IDisposable
{
    private readonly ClusterCertificates _files = new();
    private readonly X509Certificate2 _certificate = ClusterCertificates.SelfSigned("commerce-cluster");
    private readonly FakeTimeProvider _time = new(TimeProvider.System.GetUtcNow());

    [Fact]
    public void No_certificate_is_plain_tcp_and_valid() => Assert.Empty(Failures(new ClusterTlsOptions()));

    [Fact]
    public void A_pfx_with_its_password_loads_with_its_key()
    {
        var options = new ClusterTlsOptions { CertificatePath = _files.Pfx(_certificate), CertificatePassword = ClusterCertificates.Password };

        Assert.Empty(Failures(options));
        using var loaded = ClusterCertificate.Load(options);
        Assert.True(loaded.HasPrivateKey);
        Assert.Equal(_certificate.Thumbprint, loaded.Thumbprint);
    }

    [Fact]
    public void A_pem_certificate_loads_with_its_key_file()
    {
        var (certificate, key) = _files.Pem(_certificate);
        var options = new ClusterTlsOptions { CertificatePath = certificate, KeyPath = key };

        Assert.Empty(Failures(options));
        using var loaded = ClusterCertificate.Load(options);
        Assert.True(loaded.HasPrivateKey);
        Assert.Equal(_certificate.Thumbprint, loaded.Thumbprint);
    }

    [Fact]
    public void A_pem_file_with_certificate_and_key_loads_alone()
    {
        var options = new ClusterTlsOptions { CertificatePath = _files.CombinedPem(_certificate) };

        Assert.Empty(Failures(options));
        using var loaded = ClusterCertificate.Load(options);
        Assert.True(loaded.HasPrivateKey);
    }

    [Fact]
    public void A_missing_file_is_named() =>
        AssertFailure(new ClusterTlsOptions { CertificatePath = "/nonexistent/cluster.pfx" }, "ClusterTls:CertificatePath: there is no file /nonexistent/cluster.pfx.");

    [Fact]
    public void A_missing_key_file_is_named()
    {
        var (certificate, _) = _files.Pem(_certificate);

        AssertFailure(new ClusterTlsOptions { CertificatePath = certificate, KeyPath = "/nonexistent/cluster.key" }, "ClusterTls:KeyPath: there is no file /nonexistent/cluster.key.");
    }

    [Fact]
    public void A_file_that_is_no_certificate_is_unreadable() =>
        AssertFailure(new ClusterTlsOptions { CertificatePath = _files.Garbage() }, "cannot be read as a PKCS#12");

    [Fact]
    public void A_wrong_password_makes_the_pfx_unreadable() =>
        AssertFailure(new ClusterTlsOptions { CertificatePath = _files.Pfx(_certificate), CertificatePassword = "wrong" }, "cannot be read as a PKCS#12");

    [Fact]
    public void A_pem_certificate_without_its_key_says_where_the_key_goes()
    {
        var (certificate, _) = _files.Pem(_certificate);

        AssertFailure(new ClusterTlsOptions { CertificatePath = certificate }, "A PEM certificate needs its private key in the same file or in ClusterTls:KeyPath.");
    }

    [Fact]
    public void A_pfx_without_the_private_key_is_refused() =>
        AssertFailure(new ClusterTlsOptions { CertificatePath = _files.PfxWithoutKey(_certificate), CertificatePassword = ClusterCertificates.Password }, "holds no private key");

    [Fact]
    public void An_expired_certificate_is_refused()
    {
        _time.SetUtcNow(_certificate.NotAfter.ToUniversalTime().AddSeconds(1));

        AssertFailure(new ClusterTlsOptions { CertificatePath = _files.Pfx(_certificate), CertificatePassword = ClusterCertificates.Password }, "is valid from");
    }

    [Fact]
    public void A_certificate_for_servers_only_is_refused()
    {
        using var serverOnly = ClusterCertificates.SelfSigned("server-only", clientAuthentication: false);

        AssertFailure(new ClusterTlsOptions { CertificatePath = _files.Pfx(serverOnly), CertificatePassword = ClusterCertificates.Password }, "must allow both server and client authentication");
    }

    [Fact]
    public void Trusted_thumbprints_are_sha256_fingerprints_with_or_without_colons()
    {
        var options = new ClusterTlsOptions
        {
            CertificatePath = _files.Pfx(_certificate),
            CertificatePassword = ClusterCertificates.Password,
            TrustedThumbprints = [ClusterCertificates.Fingerprint(_certificate), ClusterCertificate.Fingerprint(_certificate).ToLowerInvariant(), _certificate.Thumbprint],
        };

        Assert.Equal(["ClusterTls:TrustedThumbprints:2 is not a SHA-256 fingerprint (64 hex digits, colons allowed; openssl x509 -noout -fingerprint -sha256)."], Failures(options));
    }

    [Fact]
    public void Settings_without_a_certificate_path_are_refused_rather_than_ignored() =>
        AssertFailure(new ClusterTlsOptions { KeyPath = "/etc/commerce/cluster.key" }, "ClusterTls:CertificatePath must be set when other ClusterTls settings are");

    private IReadOnlyList<string> Failures(ClusterTlsOptions options) =>
        new ClusterTlsOptionsValidator(_time).Validate(null, options).Failures?.ToList() ?? [];

    private void AssertFailure(ClusterTlsOptions options, string expected)
    {
        var failure = Assert.Single(Failures(options));
        Assert.Contains(expected, failure, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _certificate.Dispose();
        _files.Dispose();
    }
}
