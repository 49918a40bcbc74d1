using Grains.Persistence.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;

namespace Grains.Persistence.Tests.Reminders;

/// <summary>Our reminder table (<c>PostgresReminderTable</c>), taken from the silo's services as Orleans' reminder service takes it.</summary>
[Collection(SharedSilo.Name)]
public sealed class ReminderTableTests(SiloOnFreshDatabase silo)
{
    private readonly IReminderTable _reminders = silo.Services.GetRequiredService<IReminderTable>();

    [Fact]
    public async Task An_upsert_creates_then_replaces_a_reminder_with_a_new_etag_and_a_read_returns_it_exactly()
    {
        var grain = NewGrain();
        var startAt = new DateTime(2030, 5, 6, 7, 8, 9, 123, DateTimeKind.Utc);
        // Over int's maximum in milliseconds: the provider then sends the period as int8.
        var period = TimeSpan.FromDays(40);

        var created = await _reminders.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "expiry", StartAt = startAt.AddDays(-1), Period = TimeSpan.FromMinutes(1) });
        var replaced = await _reminders.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "expiry", StartAt = startAt, Period = period });
        var read = await _reminders.ReadRow(grain, "expiry");

        Assert.NotEqual(created, replaced);
        Assert.NotNull(read);
        Assert.Equal((grain, "expiry", replaced, startAt, DateTimeKind.Utc, period), (read.GrainId, read.ReminderName, read.ETag, read.StartAt, read.StartAt.Kind, read.Period));
        Assert.Null(await _reminders.ReadRow(grain, "no-such-reminder"));
    }

    [Fact]
    public async Task A_grains_reminders_are_read_back_without_any_other_grains()
    {
        var (grain, neighbour) = (NewGrain(), NewGrain());
        foreach (var (owner, name) in new[] { (grain, "expiry"), (grain, "poll"), (neighbour, "expiry") })
        {
            await _reminders.UpsertRow(new ReminderEntry { GrainId = owner, ReminderName = name, StartAt = FarFuture(), Period = TimeSpan.FromHours(1) });
        }

        var read = await _reminders.ReadRows(grain);

        Assert.Equal([(grain, "expiry"), (grain, "poll")], read.Reminders.Select(r => (r.GrainId, r.ReminderName)).OrderBy(r => r.ReminderName, StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_remove_with_a_stale_etag_keeps_the_reminder_and_with_the_current_etag_deletes_it_once()
    {
        var grain = NewGrain();
        var entry = new ReminderEntry { GrainId = grain, ReminderName = "expiry", StartAt = FarFuture(), Period = TimeSpan.FromHours(1) };
        var stale = await _reminders.UpsertRow(entry) ?? throw new InvalidOperationException("The upsert answered no etag.");
        var current = await _reminders.UpsertRow(entry) ?? throw new InvalidOperationException("The upsert answered no etag.");

        Assert.False(await _reminders.RemoveRow(grain, "expiry", stale));
        Assert.Equal(current, (await _reminders.ReadRow(grain, "expiry"))?.ETag);
        Assert.True(await _reminders.RemoveRow(grain, "expiry", current));
        Assert.Null(await _reminders.ReadRow(grain, "expiry"));
        Assert.False(await _reminders.RemoveRow(grain, "expiry", current));
    }

    private static GrainId NewGrain() => GrainId.Create("reminder-test", Guid.NewGuid().ToString("N"));

    /// <summary>Never due while the test runs, so the silo's reminder service leaves it alone.</summary>
    private static DateTime FarFuture() => TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(30);
}
