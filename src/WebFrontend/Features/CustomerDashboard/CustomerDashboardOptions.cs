using Microsoft.Extensions.Options;

namespace WebFrontend.Features.CustomerDashboard;

/// <summary>The customer dashboard's settings, bound from the "CustomerDashboard" section (not "Dashboard": operators read that as the Orleans Dashboard's, at /dashboard) and checked at start.</summary>
public sealed class CustomerDashboardOptions
{
    public const string SectionName = "CustomerDashboard";

    /// <summary>Bounds of every timeout: a source must get a chance to answer, and a dashboard must not hang a request.</summary>
    public static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);

    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long each source may take unless <see cref="Timeouts"/> names it.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Per-source timeouts by source name (<c>CustomerDashboard:Timeouts:order_summary</c>).</summary>
    public Dictionary<string, TimeSpan> Timeouts { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How far back the orders go whose mails count as the customer's unread notifications.</summary>
    public TimeSpan NotificationWindow { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan TimeoutOf(string source)
        => Timeouts.FirstOrDefault(t => string.Equals(t.Key, source, StringComparison.OrdinalIgnoreCase)) is { Key: not null } set ? set.Value : Timeout;
}

public sealed class CustomerDashboardOptionsValidator : IValidateOptions<CustomerDashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, CustomerDashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Check(string setting, TimeSpan value)
        {
            if (value < CustomerDashboardOptions.MinTimeout || value > CustomerDashboardOptions.MaxTimeout)
            {
                failures.Add($"CustomerDashboard:{setting} must be between {CustomerDashboardOptions.MinTimeout} and {CustomerDashboardOptions.MaxTimeout}; it is {value}.");
            }
        }

        Check(nameof(options.Timeout), options.Timeout);
        foreach (var (source, timeout) in options.Timeouts)
        {
            if (!DashboardSources.All.Contains(source, StringComparer.OrdinalIgnoreCase))
            {
                failures.Add($"CustomerDashboard:Timeouts:{source} names no dashboard source; the sources are {string.Join(", ", DashboardSources.All)}.");
            }
            else
            {
                Check($"Timeouts:{source}", timeout);
            }
        }

        if (options.NotificationWindow <= TimeSpan.Zero || options.NotificationWindow > TimeSpan.FromDays(365))
        {
            failures.Add($"CustomerDashboard:NotificationWindow must be positive and at most 365 days; it is {options.NotificationWindow}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
