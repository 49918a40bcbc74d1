using Grains.Persistence.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;

namespace Grains.Persistence.Tests.Reminders;

/// <summary>
/// 200 reminders of grains whose hashes spread over the whole ring (about half above 2^31, negative as the stored
/// int), written once for the range tests. Far in the future, so the silo's reminder service never fires them.
/// </summary>
public sealed class ReminderRing(SiloOnFreshDatabase silo) : IAsyncLifetime
{
    public const string GrainType = "reminder-ring";
    public const string ReminderName = "ring";

    public IReadOnlyList<GrainId> Grains { get; } = [.. Enumerable.Range(0, 200).Select(i => GrainId.Create(GrainType, $"g{i}"))];

    public async Task InitializeAsync()
    {
        var reminders = silo.Services.GetRequiredService<IReminderTable>();
        var startAt = TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(30);
        foreach (var grain in Grains)
        {
            await reminders.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = ReminderName, StartAt = startAt, Period = TimeSpan.FromDays(1) });
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
