using Runtime.Tests.Infrastructure;

namespace Runtime.Tests.Grains;

public interface IReminderGrain : IGrainWithStringKey
{
    Task Register(string name, TimeSpan dueTime, TimeSpan period);

    Task Unregister(string name);

    Task<bool> IsRegistered(string name);
}

public sealed class ReminderGrain(GrainProbe probe, TimeProvider timeProvider) : Grain, IReminderGrain, IRemindable
{
    public Task Register(string name, TimeSpan dueTime, TimeSpan period) => RegisterOrUpdateReminder(name, dueTime, period);

    public async Task Unregister(string name)
    {
        if (await GetReminder(name) is { } reminder)
        {
            await UnregisterReminder(reminder);
        }
    }

    public async Task<bool> IsRegistered(string name) => await GetReminder(name) is not null;

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        probe.RecordTick(new ReminderTick(GetPrimaryKeyString(), reminderName, status, timeProvider.GetUtcNow()));
        return Task.CompletedTask;
    }
}
