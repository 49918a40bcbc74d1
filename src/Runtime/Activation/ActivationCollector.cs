using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Runtime.Hosting;

namespace Runtime.Activation;

/// <summary>
/// Two periodic sweeps over the catalog: one deactivates activations idle past their collection age, the other
/// fails calls that have waited past the call timeout. Sweeping beats a timer per call: one timer, whatever the load.
/// </summary>
internal sealed partial class ActivationCollector(Catalog catalog, IOptions<SiloOptions> options, TimeProvider timeProvider, ILogger<ActivationCollector> logger)
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _idleCollection = Task.CompletedTask;
    private Task _timeoutSweep = Task.CompletedTask;

    public void Start()
    {
        var settings = options.Value;
        _idleCollection = RunPeriodicallyAsync(settings.CollectionQuantum, () => CollectIdle());
        _timeoutSweep = RunPeriodicallyAsync(settings.CallTimeoutSweepInterval, ExpireCalls);
    }

    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_idleCollection, _timeoutSweep).ConfigureAwait(false);
    }

    /// <summary>Starts deactivating every idle activation; returns how many.</summary>
    public int CollectIdle()
    {
        var now = timeProvider.GetTimestamp();
        var collected = 0;
        foreach (var activation in catalog.Activations)
        {
            if (activation.IsIdleSince(now))
            {
                activation.Deactivate(DeactivationReason.IdleCollection);
                collected++;
            }
        }

        if (collected > 0)
        {
            LogCollected(logger, collected);
        }

        return collected;
    }

    private void ExpireCalls()
    {
        var now = timeProvider.GetTimestamp();
        foreach (var activation in catalog.Activations)
        {
            activation.ExpireCalls(now);
        }
    }

    private async Task RunPeriodicallyAsync(TimeSpan period, Action sweep)
    {
        using var timer = new PeriodicTimer(period, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    sweep();
                }
                catch (Exception exception)
                {
                    LogSweepFailed(logger, exception);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(20, LogLevel.Debug, "Idle collection deactivating {Count} activations.")]
    private static partial void LogCollected(ILogger logger, int count);

    [LoggerMessage(21, LogLevel.Error, "An activation sweep failed.")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
