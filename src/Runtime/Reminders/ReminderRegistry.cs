using Microsoft.Extensions.Options;
using Runtime.Hosting;
using Runtime.Partitioning;

namespace Runtime.Reminders;

/// <summary>What grains call to register, look up and remove their reminders.</summary>
internal sealed class ReminderRegistry(
    IReminderTable table,
    ReminderSchedule schedule,
    IOptions<SiloOptions> options,
    TimeProvider timeProvider,
    PartitionFunction partitions,
    IPartitionOwnership ownership)
{
    public async Task<IGrainReminder> RegisterOrUpdateAsync(GrainId grainId, string name, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, TimeSpan.Zero);
        var minimum = options.Value.MinimumReminderPeriod;
        if (period < minimum)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, $"A reminder period must be at least {minimum} (Silo:MinimumReminderPeriod).");
        }

        // PostgreSQL keeps microseconds; round here so the schedule in memory equals the stored one.
        var start = timeProvider.GetUtcNow() + dueTime;
        start = new DateTimeOffset(start.UtcTicks - (start.UtcTicks % 10), TimeSpan.Zero);
        var entry = new ReminderEntry(grainId, name, partitions.GetPartition(grainId), start, period, start, Etag: 0);
        var etag = await table.UpsertAsync(entry, CancellationToken.None).ConfigureAwait(false);

        // Registered by a call still finishing here while the partition moves: its new owner's poll schedules it.
        if (ownership.IsServing(entry.Partition))
        {
            schedule.Set(entry with { Etag = etag });
        }

        return new ReminderHandle(name);
    }

    public async Task UnregisterAsync(GrainId grainId, IGrainReminder reminder)
    {
        ArgumentNullException.ThrowIfNull(reminder);
        await table.RemoveAsync(grainId, reminder.ReminderName, CancellationToken.None).ConfigureAwait(false);
        schedule.Remove(grainId, reminder.ReminderName);
    }

    public async Task<IGrainReminder?> GetAsync(GrainId grainId, string name)
        => await table.ReadAsync(grainId, name, CancellationToken.None).ConfigureAwait(false) is null ? null : new ReminderHandle(name);

    private sealed record ReminderHandle(string ReminderName) : IGrainReminder;
}
