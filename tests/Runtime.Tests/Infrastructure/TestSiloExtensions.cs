using Microsoft.Extensions.DependencyInjection;
using Runtime.Reminders;
using Runtime.TestingHost;

namespace Runtime.Tests.Infrastructure;

public static class TestSiloExtensions
{
    public static IReminderTable ReminderTable(this TestSilo silo) => silo.Services.GetRequiredService<IReminderTable>();

    /// <summary>Counts reminder ticks this silo delivered and advanced to their next due time.</summary>
    public static MetricRecorder RecordAdvancedReminderTicks(this TestSilo silo) => new(silo.Services, "runtime.reminder.ticks", "outcome=advanced");

    /// <summary>Counts reminder ticks this silo could not deliver and will retry.</summary>
    public static MetricRecorder RecordRetriedReminderTicks(this TestSilo silo) => new(silo.Services, "runtime.reminder.ticks", "outcome=retried");
}
