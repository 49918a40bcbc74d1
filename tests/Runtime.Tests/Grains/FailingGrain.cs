using Runtime.Tests.Infrastructure;

namespace Runtime.Tests.Grains;

public interface IFailingGrain : IGrainWithStringKey
{
    Task Fail(string message);

    Task<int> FailSynchronously(string message);

    Task<int> FailInconsistent();

    Task ReturnNull();

    Task<int> ActivationNumber();
}

public sealed class FailingGrain(GrainProbe probe) : Grain, IFailingGrain
{
    private int _activation;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activation = probe.Increment($"{GetPrimaryKeyString()}:activated");
        return Task.CompletedTask;
    }

    public async Task Fail(string message)
    {
        await Task.Yield();
        throw new InvalidOperationException(message);
    }

    public Task<int> FailSynchronously(string message) => throw new ArgumentException(message, nameof(message));

    public async Task<int> FailInconsistent()
    {
        await Task.Yield();
        throw new InconsistentStateException("stale", "1", "2");
    }

    public Task ReturnNull() => null!;

    public Task<int> ActivationNumber() => Task.FromResult(_activation);
}
