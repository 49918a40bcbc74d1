using Microsoft.Extensions.Options;

namespace PaymentGateway.Merchant;

/// <summary>
/// The merchant as the gateway knows it while running: code and secret fixed at start, the IPN URL changeable
/// through the admin API (as a merchant would change it in VNPay's portal). Safe to read from any thread.
/// </summary>
public sealed class MerchantAccount(IOptions<MerchantOptions> options)
{
    private string? _ipnUrl = string.IsNullOrEmpty(options.Value.IpnUrl) ? null : options.Value.IpnUrl;

    public string TmnCode { get; } = options.Value.TmnCode!;

    public string HashSecret { get; } = options.Value.HashSecret!;

    /// <summary>Where IPNs go now; read at every attempt, so a change applies to retries already under way.</summary>
    public string? IpnUrl
    {
        get => Volatile.Read(ref _ipnUrl);
        set => Volatile.Write(ref _ipnUrl, value);
    }
}
