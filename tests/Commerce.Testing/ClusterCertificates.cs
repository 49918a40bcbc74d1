using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Commerce.Testing;

/// <summary>
/// Self-signed certificates made for one test run, written where a silo process or a client reads its
/// <c>ClusterTls</c> settings: as PFX (with a password), or as PEM certificate and key files.
/// </summary>
public sealed class ClusterCertificates : IDisposable
{
    public const string Password = "cluster-test-password";

    private readonly string _directory = Directory.CreateTempSubdirectory("cluster-certificates-").FullName;

    /// <summary>
    /// A certificate usable on both ends of a connection (server and client authentication, unless
    /// <paramref name="clientAuthentication"/> is false), valid from <paramref name="notBefore"/> to
    /// <paramref name="notAfter"/> (by default an hour either side of now).
    /// </summary>
    public static X509Certificate2 SelfSigned(string name, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, bool clientAuthentication = true)
    {
        var now = TimeProvider.System.GetUtcNow();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        var usages = new OidCollection { new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication") };
        if (clientAuthentication)
        {
            usages.Add(new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication"));
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, critical: false));
        return request.CreateSelfSigned(notBefore ?? now.AddHours(-1), notAfter ?? now.AddHours(1));
    }

    /// <summary>Writes <paramref name="certificate"/> with its key as a password-protected PFX file; returns its path.</summary>
    public string Pfx(X509Certificate2 certificate, string password = Password)
    {
        var path = Path.Combine(_directory, $"{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return path;
    }

    /// <summary>A PFX file of the certificate alone, without its key (an export mistake).</summary>
    public string PfxWithoutKey(X509Certificate2 certificate, string password = Password)
    {
        using var publicOnly = X509CertificateLoader.LoadCertificate(certificate.RawData);
        return Pfx(publicOnly, password);
    }

    /// <summary>Writes the certificate and its key as two PEM files.</summary>
    public (string Certificate, string Key) Pem(X509Certificate2 certificate)
    {
        var name = Path.Combine(_directory, Guid.NewGuid().ToString("N"));
        File.WriteAllText($"{name}.crt", certificate.ExportCertificatePem());
        File.WriteAllText($"{name}.key", PrivateKeyPem(certificate));
        return ($"{name}.crt", $"{name}.key");
    }

    /// <summary>Writes the certificate and then its key into one PEM file.</summary>
    public string CombinedPem(X509Certificate2 certificate)
    {
        var path = Path.Combine(_directory, $"{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, certificate.ExportCertificatePem() + "\n" + PrivateKeyPem(certificate));
        return path;
    }

    /// <summary>A file that is no certificate at all.</summary>
    public string Garbage()
    {
        var path = Path.Combine(_directory, $"{Guid.NewGuid():N}.pfx");
        File.WriteAllText(path, "not a certificate");
        return path;
    }

    /// <summary>The SHA-256 fingerprint as <c>openssl x509 -fingerprint -sha256</c> prints it (colon-separated hex).</summary>
    public static string Fingerprint(X509Certificate2 certificate) => string.Join(':', certificate.GetCertHash(HashAlgorithmName.SHA256).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));

    private static string PrivateKeyPem(X509Certificate2 certificate)
    {
        using var key = certificate.GetECDsaPrivateKey()!;
        return key.ExportPkcs8PrivateKeyPem();
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
