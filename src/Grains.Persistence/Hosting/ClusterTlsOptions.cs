namespace Grains.Persistence.Hosting;

/// <summary>
/// The cluster certificate, bound from the "ClusterTls" section. Unset, silos and clients speak plain TCP (a private
/// network is then the only protection of the silo and gateway ports). Set, every silo-to-silo and client-to-gateway
/// connection is mutual TLS: both ends present this certificate and accept only a peer presenting it (or one listed in
/// <see cref="TrustedThumbprints"/>). See the README's "Network model".
/// </summary>
public sealed class ClusterTlsOptions
{
    public const string SectionName = "ClusterTls";

    /// <summary>A PKCS#12 file (.pfx, .p12) with the certificate and its private key, or a PEM certificate file.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PKCS#12 file's password, or the PEM private key's when it is encrypted.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The PEM private key file, when <see cref="CertificatePath"/> is a PEM certificate without its key.</summary>
    public string? KeyPath { get; set; }

    /// <summary>
    /// SHA-256 fingerprints (hex, colons allowed: <c>openssl x509 -noout -fingerprint -sha256</c>) of other
    /// certificates accepted from peers besides this one: the next certificate while it is rolled out, or the previous
    /// one until every process has the next.
    /// </summary>
    public List<string> TrustedThumbprints { get; set; } = [];

    public bool IsConfigured => !string.IsNullOrWhiteSpace(CertificatePath);
}
