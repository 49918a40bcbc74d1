using Runtime.Tests.Infrastructure;

namespace Runtime.Tests.Grains;

public interface ILifecycleGrain : IGrainWithStringKey
{
    /// <summary>Returns which activation of this grain answered (1 for the first).</summary>
    Task<int> Ping();

    Task DeactivateWhenDone();

    Task StartTimer(TimeSpan period);

    /// <summary>A one-shot timer whose callback re-arms it, then waits on a gate before finishing.</summary>
    Task StartSelfRearmingTimer(TimeSpan delay, string gate);

    /// <summary>Holds the activation's turn until the gate opens; counts "{key}:hanging" once it has the turn.</summary>
    Task Hang(string gate);

    Task<RequestContext?> ReadRequestContext();

    Task<RequestContext?> ReadRequestContextThrough(string otherKey);

    /// <summary>Waits until the caller cancels, and records that it saw the cancellation.</summary>
    Task WaitForCancellation(CancellationToken cancellationToken);
}

public sealed class LifecycleGrain(GrainProbe probe) : Grain, ILifecycleGrain
{
    private int _activation;

    private string Key => GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activation = probe.Increment($"{Key}:activated");
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Increment($"{Key}:deactivated:{reason.Code}");
        probe.Increment($"{Key}:deactivated");
        return Task.CompletedTask;
    }

    public Task<int> Ping() => Task.FromResult(_activation);

    public Task DeactivateWhenDone()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task StartTimer(TimeSpan period)
    {
        RegisterGrainTimer(
            _ =>
            {
                probe.Increment($"{Key}:tick");
                return Task.CompletedTask;
            },
            period,
            period);
        return Task.CompletedTask;
    }

    public Task StartSelfRearmingTimer(TimeSpan delay, string gate)
    {
        IGrainTimer? timer = null;
        timer = RegisterGrainTimer(
            async _ =>
            {
                // Re-armed before the tick is counted: a test that advances the clock once it sees the tick must
                // find the timer already re-armed.
                timer!.Change(delay, Timeout.InfiniteTimeSpan);
                probe.Increment($"{Key}:tick");
                await probe.Gate(gate);
            },
            delay,
            Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    public Task Hang(string gate)
    {
        probe.Increment($"{Key}:hanging");
        return probe.Gate(gate);
    }

    public async Task<RequestContext?> ReadRequestContext()
    {
        await Task.Yield();
        return RequestContext.Current;
    }

    public Task<RequestContext?> ReadRequestContextThrough(string otherKey) => GrainFactory.GetGrain<ILifecycleGrain>(otherKey).ReadRequestContext();

    public async Task WaitForCancellation(CancellationToken cancellationToken)
    {
        probe.Increment($"{Key}:waiting-for-cancellation");
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            probe.Increment($"{Key}:canceled");
            throw;
        }
    }
}
