using Grains.Outbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grains.Persistence.Outbox;

/// <summary>
/// Keeps every shard's relay running: once this silo is active, and every <see cref="OutboxOptions.KeepRunningPeriod"/>
/// after, it calls each relay grain, which activates one that is not running (its silo went) wherever Orleans places
/// it. Every silo does this, so the relays run as long as one silo does.
/// </summary>
internal sealed partial class OutboxRelayStarter(IGrainFactory grains, IOptions<OutboxOptions> options, TimeProvider time, ILogger<OutboxRelayStarter> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _keepingRunning = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle)
        => lifecycle.Subscribe(nameof(OutboxRelayStarter), ServiceLifecycleStage.Active, OnActiveAsync, OnStoppingAsync);

    private Task OnActiveAsync(CancellationToken cancellationToken)
    {
        _keepingRunning = KeepRunningAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    private async Task OnStoppingAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _keepingRunning.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task KeepRunningAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.KeepRunningPeriod, time);
        do
        {
            try
            {
                await Task.WhenAll(Enumerable.Range(0, settings.Shards).Select(shard => grains.GetGrain<IOutboxRelayGrain>(shard).KeepRunning())).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The cluster is changing (a silo going or coming): the next period tries again.
                LogKeepRunningFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(1, LogLevel.Information, "Could not reach every outbox relay; the next period tries again.")]
    private static partial void LogKeepRunningFailed(ILogger logger, Exception exception);
}
