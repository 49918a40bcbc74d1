using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Grains.Exports;

/// <summary>A job's reminder cannot tick more often than the silo's reminders allow: a shorter period would fail every start.</summary>
public sealed class ExportOptionsValidator(IOptions<ReminderOptions> reminders) : IValidateOptions<ExportOptions>
{
    public ValidateOptionsResult Validate(string? name, ExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var minimum = reminders.Value.MinimumReminderPeriod;
        return options.ResumePeriod < minimum
            ? ValidateOptionsResult.Fail($"Exports:ResumePeriod ({options.ResumePeriod}) is shorter than Reminders:MinimumReminderPeriod ({minimum}).")
            : ValidateOptionsResult.Success;
    }
}
