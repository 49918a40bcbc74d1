using Microsoft.Extensions.Options;

namespace Notifications.Hosting;

/// <summary>Settings the host refused as it started: one section's failures, or several sections' at once.</summary>
public static class StartupFailures
{
    public static IReadOnlyList<string> Settings(Exception exception) => exception switch
    {
        OptionsValidationException invalid => [.. invalid.Failures],
        AggregateException { InnerExceptions: var inner } when inner.All(e => e is OptionsValidationException)
            => [.. inner.Cast<OptionsValidationException>().SelectMany(e => e.Failures)],
        _ => [],
    };
}
