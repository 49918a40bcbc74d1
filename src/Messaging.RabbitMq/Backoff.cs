namespace Messaging.RabbitMq;

/// <summary>
/// Exponential back-off: <c>first</c>, then twice as long at each failure in a row, never beyond <c>max</c>, back to
/// <c>first</c> after a success. No jitter: one consumer per process retries one thing at a time, so there is no
/// herd of callers of ours to spread.
/// </summary>
public sealed class Backoff(TimeSpan first, TimeSpan max)
{
    private int _failures;

    public int Failures => _failures;

    /// <summary>Counts a failure and returns how long to wait before the next attempt.</summary>
    public TimeSpan Next()
    {
        var exponent = Math.Min(_failures, 30);
        _failures++;
        var delay = first * Math.Pow(2, exponent);
        return delay > max ? max : delay;
    }

    public void Reset() => _failures = 0;
}
