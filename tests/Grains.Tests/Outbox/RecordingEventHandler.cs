using IntegrationEvents;

namespace Grains.Tests.Outbox;

/// <summary>The embedded consumer, as a test sees it: every event handed to it, in order; it fails while told to.</summary>
public sealed class RecordingEventHandler : IIntegrationEventHandler
{
    private readonly Lock _lock = new();
    private readonly List<IntegrationEvent> _received = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private int _failuresLeft;

    public IReadOnlyList<IntegrationEvent> Received
    {
        get
        {
            lock (_lock)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>The next <paramref name="times"/> events handed over fail, as a broker that is down would.</summary>
    public void FailNext(int times) => Interlocked.Exchange(ref _failuresLeft, times);

    /// <summary>Completes once <paramref name="count"/> events have been received in all.</summary>
    public Task ReceivedAsync(int count)
    {
        lock (_lock)
        {
            if (_received.Count >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
            return reached.Task;
        }
    }

    public Task HandleAsync(IntegrationEvent @event, CancellationToken cancellationToken)
    {
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            throw new InvalidOperationException("The consumer is unreachable (injected).");
        }

        lock (_lock)
        {
            _received.Add(@event);
            foreach (var waiter in _waiters.Where(w => _received.Count >= w.Count).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Reached.SetResult();
            }
        }

        return Task.CompletedTask;
    }
}
