using Microsoft.Extensions.Options;

namespace PaymentGateway.Ipn;

/// <summary>
/// Takes queued notifications one by one and applies the faults each was queued under: drops it, holds it for
/// reordering, or starts its copies. Deliveries run beside it, so a slow merchant never holds up other notifications.
/// </summary>
public sealed class IpnDispatcher(IpnQueue queue, IpnDelivery delivery, IpnLog log, IOptions<IpnOptions> options, TimeProvider time) : BackgroundService
{
    private readonly List<IpnNotification> _held = [];
    private DateTimeOffset _heldSince;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                var next = _held.Count == 0 ? await queue.Reader.ReadAsync(stoppingToken) : await ReadBeforeFlushAsync(stoppingToken);
                if (next is null)
                {
                    // The held notifications waited long enough for the window to fill; send what there is.
                    Release(stoppingToken);
                }
                else
                {
                    Route(next, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>The next notification, or null when the held ones are due before one arrives.</summary>
    private async Task<IpnNotification?> ReadBeforeFlushAsync(CancellationToken stoppingToken)
    {
        var remaining = _heldSince + options.Value.ReorderFlushAfter - time.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            return null;
        }

        using var flushDue = new CancellationTokenSource(remaining, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, flushDue.Token);
        try
        {
            return await queue.Reader.ReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // A cancelled read takes nothing from the channel, so no notification is lost here.
            return null;
        }
    }

    private void Route(IpnNotification notification, CancellationToken stoppingToken)
    {
        if (notification.Faults.Drop)
        {
            log.Record(new IpnAttempt(notification.TxnRef, notification.TransactionNo, Copy: 1, Attempt: 0, RspCode: null, HttpStatus: null,
                Error: null, IpnOutcomes.Dropped, time.GetUtcNow(), Url: null));
            return;
        }

        if (notification.Faults.Reorders)
        {
            if (_held.Count == 0)
            {
                _heldSince = time.GetUtcNow();
            }

            _held.Add(notification);
            if (_held.Count >= notification.Faults.ReorderWindow)
            {
                Release(stoppingToken);
            }

            return;
        }

        _ = Start(notification, stoppingToken);
    }

    /// <summary>Sends the held notifications newest first.</summary>
    private void Release(CancellationToken stoppingToken)
    {
        var batch = Enumerable.Reverse(_held).ToArray();
        _held.Clear();
        _ = SendInOrderAsync(batch, stoppingToken);
    }

    /// <summary>
    /// Starts each notification only after the previous one's first attempt ended: started together, they would race
    /// each other to the merchant and arrive in either order, and the point of the fault is a known wrong order.
    /// </summary>
    private async Task SendInOrderAsync(IReadOnlyList<IpnNotification> batch, CancellationToken stoppingToken)
    {
        foreach (var notification in batch)
        {
            await Start(notification, stoppingToken);
        }
    }

    /// <summary>Starts every copy of a notification, each retried on its own; the task ends when all first attempts have.</summary>
    private Task Start(IpnNotification notification, CancellationToken stoppingToken)
    {
        var firstAttempts = new Task[notification.Faults.Copies];
        for (var copy = 1; copy <= notification.Faults.Copies; copy++)
        {
            var firstAttemptEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _ = delivery.DeliverAsync(notification, copy, firstAttemptEnded, stoppingToken);
            firstAttempts[copy - 1] = firstAttemptEnded.Task;
        }

        return Task.WhenAll(firstAttempts);
    }
}
