using Runtime.Tests.Infrastructure;

namespace Runtime.Tests.Grains;

public interface IReminderGrain : IGrainWithStringKey
{
    Task Register(string name, TimeSpan dueTime, TimeSpan period);

    Task Unregister(string name);

    Task<bool> IsRegistered(string name);

    /// <summary>Holds the grain's turn until the gate opens, so reminder ticks queue behind it.</summary>
    Task Hang(string gate);

    /// <summary>Makes each later tick wait on the gate before it returns.</summary>
    Task SlowDeliveries(string gate);

    Task DeactivateWhenDone();
}

public sealed class ReminderGrain(GrainProbe probe, TimeProvider timeProvider, Microsoft.Extensions.Options.IOptions<Hosting.SiloOptions> silo) : Grain, IReminderGrain, IRemindable
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

    private string? _deliveryGate;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
        => probe.ShouldFail($"{GetPrimaryKeyString()}:activation") ? throw new InvalidOperationException("activation failed on purpose") : Task.CompletedTask;

    public Task DeactivateWhenDone()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task Hang(string gate) => probe.Gate(gate);

    public Task SlowDeliveries(string gate)
    {
        _deliveryGate = gate;
        return Task.CompletedTask;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        probe.RecordTick(new ReminderTick(GetPrimaryKeyString(), reminderName, status, timeProvider.GetUtcNow(), silo.Value.Name));
        if (_deliveryGate is { } gate)
        {
            await probe.Gate(gate);
        }
    }
}
