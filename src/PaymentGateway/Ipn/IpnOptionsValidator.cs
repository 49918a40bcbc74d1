using Microsoft.Extensions.Options;

namespace PaymentGateway.Ipn;

/// <summary>Refuses settings under which delivery cannot work (negative waits, a zero timeout).</summary>
public sealed class IpnOptionsValidator : IValidateOptions<IpnOptions>
{
    public ValidateOptionsResult Validate(string? name, IpnOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.RetryInterval < TimeSpan.Zero)
        {
            failures.Add($"{IpnOptions.SectionName}:RetryInterval must not be negative.");
        }

        if (options.MaxRetries < 0)
        {
            failures.Add($"{IpnOptions.SectionName}:MaxRetries must not be negative.");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            failures.Add($"{IpnOptions.SectionName}:Timeout must be positive.");
        }

        if (options.ReorderFlushAfter <= TimeSpan.Zero)
        {
            failures.Add($"{IpnOptions.SectionName}:ReorderFlushAfter must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
