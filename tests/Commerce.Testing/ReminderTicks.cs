using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Commerce.Testing;

/// <summary>
/// Reminder ticks a silo has delivered, from Orleans' own metric (recorded once the grain's ReceiveReminder has
/// returned): what a test awaits instead of sleeping after it advances the clock or kills a silo.
/// </summary>
public static class ReminderTicks
{
    public const string MeterName = "Microsoft.Orleans";
    public const string InstrumentName = "orleans-reminders-ticks-delivered";

    /// <summary>Collects the ticks <paramref name="silo"/> delivers from now on.</summary>
    public static MetricCollector<int> Collect(IServiceProvider silo)
        => new(silo.GetRequiredService<IMeterFactory>(), MeterName, InstrumentName);
}
