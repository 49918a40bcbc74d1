using Microsoft.Extensions.Options;

namespace PaymentGateway.Merchant;

/// <summary>Refuses to start without a terminal code and a secret: every message the gateway signs or checks needs them.</summary>
public sealed class MerchantOptionsValidator : IValidateOptions<MerchantOptions>
{
    public ValidateOptionsResult Validate(string? name, MerchantOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.TmnCode))
        {
            failures.Add($"{MerchantOptions.SectionName}:TmnCode is required (the merchant's vnp_TmnCode).");
        }

        if (string.IsNullOrEmpty(options.HashSecret))
        {
            failures.Add($"{MerchantOptions.SectionName}:HashSecret is required (the secret pay URLs, IPNs and querydr messages are signed with).");
        }

        if (!string.IsNullOrEmpty(options.IpnUrl) && !HttpUrl.TryParse(options.IpnUrl, out _))
        {
            failures.Add($"{MerchantOptions.SectionName}:IpnUrl must be an absolute http(s) URL.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
