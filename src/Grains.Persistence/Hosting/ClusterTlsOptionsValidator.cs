using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Grains.Persistence.Hosting;

/// <summary>
/// Checked at start (ValidateOnStart): a cluster certificate that cannot serve stops the process with the setting's
/// name, rather than every connection failing its handshake later. Settings of the section without a certificate path
/// are refused too: they would mean TLS was intended and plain TCP is what runs.
/// </summary>
public sealed class ClusterTlsOptionsValidator(TimeProvider time) : IValidateOptions<ClusterTlsOptions>
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    public ValidateOptionsResult Validate(string? name, ClusterTlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        for (var i = 0; i < options.TrustedThumbprints.Count; i++)
        {
            if (ClusterCertificate.NormalizeFingerprint(options.TrustedThumbprints[i]) is null)
            {
                failures.Add($"ClusterTls:TrustedThumbprints:{i} is not a SHA-256 fingerprint (64 hex digits, colons allowed; openssl x509 -noout -fingerprint -sha256).");
            }
        }

        if (!options.IsConfigured)
        {
            if (!string.IsNullOrEmpty(options.KeyPath) || !string.IsNullOrEmpty(options.CertificatePassword) || options.TrustedThumbprints.Count > 0)
            {
                failures.Add("ClusterTls:CertificatePath must be set when other ClusterTls settings are: without it silos and clients speak plain TCP.");
            }
        }
        else
        {
            failures.AddRange(CertificateFailures(options));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private IEnumerable<string> CertificateFailures(ClusterTlsOptions options)
    {
        var path = options.CertificatePath!;
        if (!File.Exists(path))
        {
            return [$"ClusterTls:CertificatePath: there is no file {path}."];
        }

        if (!string.IsNullOrEmpty(options.KeyPath) && !File.Exists(options.KeyPath))
        {
            return [$"ClusterTls:KeyPath: there is no file {options.KeyPath}."];
        }

        X509Certificate2 certificate;
        try
        {
            certificate = ClusterCertificate.Load(options);
        }
        catch (Exception error) when (error is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            var hint = ClusterCertificate.IsPem(path) && string.IsNullOrEmpty(options.KeyPath)
                ? " A PEM certificate needs its private key in the same file or in ClusterTls:KeyPath."
                : "";
            return [$"ClusterTls:CertificatePath: {path} cannot be read as a PKCS#12 (with ClusterTls:CertificatePassword) or PEM certificate with its private key: {error.Message}{hint}"];
        }

        using (certificate)
        {
            return Unusable(certificate, path);
        }
    }

    private List<string> Unusable(X509Certificate2 certificate, string path)
    {
        var failures = new List<string>();
        if (!certificate.HasPrivateKey)
        {
            failures.Add($"ClusterTls:CertificatePath: {path} holds no private key; export the certificate with its key.");
        }

        var now = time.GetUtcNow();
        if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
        {
            failures.Add($"ClusterTls:CertificatePath: {path} is valid from {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u}, not now ({now:u}).");
        }

        // Every process is both ends of some connection: silos accept and open them, clients open them to gateways.
        if (certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault() is { } usages)
        {
            var oids = usages.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value).ToHashSet();
            if (!oids.Contains(ServerAuthentication) || !oids.Contains(ClientAuthentication))
            {
                failures.Add($"ClusterTls:CertificatePath: {path} must allow both server and client authentication (extended key usage serverAuth and clientAuth).");
            }
        }

        return failures;
    }
}
