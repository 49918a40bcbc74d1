using Runtime.Tests.Infrastructure;

namespace Runtime.Tests.Grains;

public interface ITurnGrain : IGrainWithStringKey
{
    /// <summary>
    /// Counts a call with a plain (non-atomic) increment across an await that completes on another thread, leaving
    /// the activation free to start another turn meanwhile if it wrongly would: overlapping turns would lose counts.
    /// </summary>
    Task<int> Enter();

    Task<int> MaxOverlap();

    Task EnterAndWait(string gate);

    [AlwaysInterleave]
    Task<int> Entered();
}

public interface IReentrantTurnGrain : IGrainWithStringKey
{
    Task<int> EnterAndWait(string gate);
}

public sealed class TurnGrain(GrainProbe probe) : Grain, ITurnGrain
{
    private int _inside;
    private int _maxOverlap;
    private int _calls;
    private int _entered;

    public async Task<int> Enter()
    {
        _maxOverlap = Math.Max(_maxOverlap, Interlocked.Increment(ref _inside));
        var calls = _calls;
        await Task.Run(static () => { });
        _calls = calls + 1;
        Interlocked.Decrement(ref _inside);
        return _calls;
    }

    public Task<int> MaxOverlap() => Task.FromResult(_maxOverlap);

    public async Task EnterAndWait(string gate)
    {
        _entered++;
        probe.Increment($"{GetPrimaryKeyString()}:entered");
        await probe.Gate(gate);
    }

    public Task<int> Entered() => Task.FromResult(_entered);
}

[Reentrant]
public sealed class ReentrantTurnGrain(GrainProbe probe) : Grain, IReentrantTurnGrain
{
    private int _inside;
    private int _maxInside;

    public async Task<int> EnterAndWait(string gate)
    {
        _maxInside = Math.Max(_maxInside, ++_inside);
        probe.Increment($"{GetPrimaryKeyString()}:entered");
        await probe.Gate(gate);
        _inside--;
        return _maxInside;
    }
}
