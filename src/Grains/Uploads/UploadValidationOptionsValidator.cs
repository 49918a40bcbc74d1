using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Grains.Uploads;

/// <summary>
/// An upload's validation reminder cannot tick more often than the silo's reminders allow: a shorter period would pass
/// the start and then fail every PUT, after its bytes were written, when the upload registers its reminder.
/// </summary>
public sealed class UploadValidationOptionsValidator(IOptions<ReminderOptions> reminders) : IValidateOptions<UploadValidationOptions>
{
    public ValidateOptionsResult Validate(string? name, UploadValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var minimum = reminders.Value.MinimumReminderPeriod;
        return options.ValidationRetryPeriod < minimum
            ? ValidateOptionsResult.Fail($"Uploads:ValidationRetryPeriod ({options.ValidationRetryPeriod}) is shorter than Reminders:MinimumReminderPeriod ({minimum}).")
            : ValidateOptionsResult.Success;
    }
}
