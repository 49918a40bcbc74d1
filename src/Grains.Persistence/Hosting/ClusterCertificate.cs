using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Grains.Persistence.Hosting;

/// <summary>Reads the cluster certificate from <see cref="ClusterTlsOptions"/> and recognises it (and the trusted ones) on peers.</summary>
public static class ClusterCertificate
{
    /// <summary>
    /// Loads the certificate with its private key: PEM when the file is text that starts with a PEM header, PKCS#12
    /// otherwise. Throws <see cref="CryptographicException"/> when the file is neither, or the password is wrong.
    /// </summary>
    public static X509Certificate2 Load(ClusterTlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = options.CertificatePath ?? throw new InvalidOperationException("ClusterTls:CertificatePath is not set.");
        if (!IsPem(path))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, options.CertificatePassword);
        }

        var certificate = string.IsNullOrEmpty(options.CertificatePassword)
            ? X509Certificate2.CreateFromPemFile(path, options.KeyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(path, options.CertificatePassword, options.KeyPath);

        // Windows' TLS stack cannot use the ephemeral key a PEM file gives; a PKCS#12 round trip gives it a stored one.
        if (OperatingSystem.IsWindows())
        {
            using (certificate)
            {
                return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
            }
        }

        return certificate;
    }

    /// <summary>Whether the file is PEM text rather than binary PKCS#12.</summary>
    public static bool IsPem(string path)
    {
        Span<byte> start = stackalloc byte[64];
        using var file = File.OpenRead(path);
        var read = file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        return Encoding.ASCII.GetString(start[..read]).TrimStart().StartsWith("-----BEGIN", StringComparison.Ordinal);
    }

    /// <summary>The SHA-256 fingerprint as upper-case hex without separators.</summary>
    public static string Fingerprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256));
    }

    /// <summary>A configured fingerprint in <see cref="Fingerprint"/>'s form, or null when it is not 32 bytes of hex.</summary>
    public static string? NormalizeFingerprint(string? configured)
    {
        var hex = string.Concat((configured ?? "").Where(c => c != ':' && !char.IsWhiteSpace(c))).ToUpperInvariant();
        return hex.Length == 64 && hex.All(char.IsAsciiHexDigit) ? hex : null;
    }

    /// <summary>
    /// Whether <paramref name="peer"/> is the cluster's: the same certificate as <paramref name="own"/>, or a trusted one.
    /// Pinned by fingerprint, so a self-signed cluster certificate needs no certificate authority; the TLS handshake has
    /// already proved that the peer holds its private key.
    /// </summary>
    public static Func<X509Certificate2, bool> Recognizer(X509Certificate2 own, IEnumerable<string> trustedThumbprints)
    {
        var trusted = trustedThumbprints.Select(NormalizeFingerprint).OfType<string>().Append(Fingerprint(own)).ToHashSet(StringComparer.Ordinal);
        return peer => trusted.Contains(Fingerprint(peer));
    }
}
