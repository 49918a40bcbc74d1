namespace PaymentGateway.Merchant;

/// <summary>The one merchant this gateway serves, bound from the "Merchant" section.</summary>
public sealed class MerchantOptions
{
    public const string SectionName = "Merchant";

    /// <summary>The merchant's terminal code (<c>vnp_TmnCode</c>).</summary>
    public string? TmnCode { get; set; }

    /// <summary>The secret both sides sign with.</summary>
    public string? HashSecret { get; set; }

    /// <summary>Where IPNs go. Optional at start: VNPay has merchants set it in its portal, here through the admin API.</summary>
    public string? IpnUrl { get; set; }
}
