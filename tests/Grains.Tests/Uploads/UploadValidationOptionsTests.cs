using Grains.Uploads;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Grains.Tests.Uploads;

public sealed class UploadValidationOptionsTests
{
    private static ValidateOptionsResult Validate(TimeSpan retryPeriod, TimeSpan minimumReminderPeriod)
        => new UploadValidationOptionsValidator(Options.Create(new ReminderOptions { MinimumReminderPeriod = minimumReminderPeriod }))
            .Validate(null, new UploadValidationOptions { ValidationRetryPeriod = retryPeriod });

    [Fact]
    public void A_retry_period_shorter_than_the_silos_minimum_reminder_period_stops_the_start_naming_both()
    {
        var result = Validate(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1));

        Assert.True(result.Failed);
        Assert.Equal("Uploads:ValidationRetryPeriod (00:00:10) is shorter than Reminders:MinimumReminderPeriod (00:01:00).", result.FailureMessage);
        Assert.True(Validate(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)).Succeeded);
    }
}
