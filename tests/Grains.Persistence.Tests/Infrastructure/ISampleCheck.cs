namespace Grains.Persistence.Tests.Infrastructure;

/// <summary>A check that runs the same way on every commerce state type (a theory's body, generic over the state).</summary>
public interface ISampleCheck
{
    Task RunAsync<TState>(StateSample<TState> sample) where TState : new();
}
