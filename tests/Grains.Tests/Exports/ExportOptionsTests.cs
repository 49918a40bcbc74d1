using Grains.Exports;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Grains.Tests.Exports;

public sealed class ExportOptionsTests
{
    private static ValidateOptionsResult Validate(TimeSpan resumePeriod, TimeSpan minimumReminderPeriod)
        => new ExportOptionsValidator(Options.Create(new ReminderOptions { MinimumReminderPeriod = minimumReminderPeriod }))
            .Validate(null, new ExportOptions { ResumePeriod = resumePeriod });

    [Fact]
    public void A_resume_period_shorter_than_the_silos_minimum_reminder_period_stops_the_start_naming_both()
    {
        var result = Validate(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1));

        Assert.True(result.Failed);
        Assert.Contains("Exports:ResumePeriod", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Reminders:MinimumReminderPeriod", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(Validate(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)).Succeeded);
    }
}
