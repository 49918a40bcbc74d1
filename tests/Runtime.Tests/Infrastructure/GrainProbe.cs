using System.Collections.Concurrent;
using Runtime.TestingHost;

namespace Runtime.Tests.Infrastructure;

/// <summary>
/// Shared between test grains and the test that drives them (registered as a silo service): counters grains bump,
/// gates grains wait on, and awaitable thresholds, so tests synchronize on signals instead of sleeping.
/// </summary>
public sealed class GrainProbe
{
    public static readonly TimeSpan WaitLimit = AwaitableCounter.WaitLimit;

    private readonly ConcurrentDictionary<string, AwaitableCounter> _counters = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();
    private readonly ConcurrentDictionary<string, int> _armedFailures = new();

    public ConcurrentQueue<ReminderTick> Ticks { get; } = new();

    public int Increment(string name) => (int)CounterFor(name).Add(1);

    public int Count(string name) => (int)CounterFor(name).Value;

    /// <summary>Completes when the counter reaches <paramref name="target"/>; fails the test after <see cref="WaitLimit"/>.</summary>
    public Task WaitForCountAsync(string name, int target) => CounterFor(name).WhenAtLeast(target);

    /// <summary>What a grain awaits until the test opens the gate.</summary>
    public Task Gate(string name) => GateFor(name).Task;

    public void Open(string name) => GateFor(name).TrySetResult();

    /// <summary>Lets every grain still waiting go, so a failed test can still shut its silos down.</summary>
    public void OpenAllGates()
    {
        foreach (var gate in _gates.Values)
        {
            gate.TrySetResult();
        }
    }

    /// <summary>Arms the next <paramref name="times"/> checks of <see cref="ShouldFail"/> for this name to say yes.</summary>
    public void FailNext(string name, int times = 1) => _armedFailures.AddOrUpdate(name, times, (_, armed) => armed + times);

    public bool ShouldFail(string name)
    {
        while (_armedFailures.TryGetValue(name, out var armed) && armed > 0)
        {
            if (_armedFailures.TryUpdate(name, armed - 1, armed))
            {
                return true;
            }
        }

        return false;
    }

    public void RecordTick(ReminderTick tick)
    {
        Ticks.Enqueue(tick);
        Increment($"ticks:{tick.GrainKey}:{tick.ReminderName}");
        Increment($"ticks:{tick.GrainKey}:{tick.ReminderName}@{tick.Silo}");
    }

    private AwaitableCounter CounterFor(string name) => _counters.GetOrAdd(name, _ => new AwaitableCounter());

    private TaskCompletionSource GateFor(string name) => _gates.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

public sealed record ReminderTick(string GrainKey, string ReminderName, TickStatus Status, DateTimeOffset DeliveredAt, string Silo);
