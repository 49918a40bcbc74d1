using IntegrationEvents;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Messaging.RabbitMq;

/// <summary>
/// Reads the events bound to one durable queue and hands each to the <see cref="IIntegrationEventHandler"/>, one at a
/// time in the order delivered, with manual acknowledgements:
/// <list type="bullet">
/// <item>handled → ack; the handler dedupes by event id, since a message can come more than once;</item>
/// <item>the handler throws → wait (exponential back-off) and nack with requeue, so a failing dependency is not
/// hammered: while waiting nothing else is handled. The message goes back to the queue, behind the deliveries this
/// consumer already holds (the prefetch), so a retried event can come after later ones: order holds while events
/// succeed. Consumers that need strict order per aggregate across retries run with a prefetch of 1;</item>
/// <item>not one of our messages (no event id, no type, a header missing), or an event the handler says it can never
/// act on (<see cref="FormatException"/>) → reject without requeue: dead-lettered to the rejected queue, logged.</item>
/// </list>
/// Connections are our own loop, not the client's automatic recovery: a lost connection ends the session (every
/// unacknowledged delivery goes back to the queue, broker-side), and a new one is opened with back-off, declaring the
/// topology again. So after a broker restart it consumes again by itself, and there is never an ack for a delivery
/// tag of a connection that no longer exists.
/// </summary>
public sealed partial class RabbitMqEventConsumer : BackgroundService
{
    // Defined once: a scope per delivery, on the consumer's path, without a dictionary per message.
    private static readonly Func<ILogger, Guid, string, bool, IDisposable?> s_eventScope =
        LoggerMessage.DefineScope<Guid, string, bool>("Event {EventId} ({EventType}), redelivered {Redelivered}");

    private readonly IIntegrationEventHandler _handler;
    private readonly RabbitMqOptions _broker;
    private readonly RabbitMqConsumerOptions _options;
    private readonly RabbitMqConsumerStatus _status;
    private readonly TimeProvider _time;
    private readonly ILogger<RabbitMqEventConsumer> _logger;
    private readonly Backoff _retry;

    // Held while a delivery is being handled: stopping and reconnecting wait for it, so an event being acted on is
    // finished (and marked in the inbox) rather than cut off half-way.
    private readonly SemaphoreSlim _handling = new(1, 1);

    // Cancelled only when the host's shutdown deadline passes: the handler's token.
    private readonly CancellationTokenSource _abort = new();
    private volatile bool _stopping;

    public RabbitMqEventConsumer(IIntegrationEventHandler handler, IOptions<RabbitMqOptions> broker, IOptions<RabbitMqConsumerOptions> options,
        RabbitMqConsumerStatus status, TimeProvider time, ILogger<RabbitMqEventConsumer> logger)
    {
        ArgumentNullException.ThrowIfNull(broker);
        ArgumentNullException.ThrowIfNull(options);
        _handler = handler;
        _broker = broker.Value;
        _options = options.Value;
        _status = status;
        _time = time;
        _logger = logger;
        _retry = new Backoff(_options.RetryDelay, _options.MaxRetryDelay);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Deliveries that arrive from now on are left unacknowledged: they go back to the queue when the channel closes.
        _stopping = true;
        await using (cancellationToken.Register(static abort => ((CancellationTokenSource)abort!).Cancel(), _abort))
        {
            await base.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _abort.Dispose();
        _handling.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var uri = _broker.Uri ?? throw new InvalidOperationException("RabbitMq:Uri is not set: there is no broker to consume from.");
        var reconnect = new Backoff(_options.ReconnectDelay, _options.MaxReconnectDelay);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ConsumeUntilLostAsync(uri, reconnect, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // Whatever went wrong with this connection, the next one may work: a consumer that gives up is an outage.
                LogSessionFailed(_logger, exception, exception.Message);
            }

            var delay = reconnect.Next();
            LogReconnecting(_logger, delay.TotalMilliseconds, reconnect.Failures);
            try
            {
                await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One connection's life: connect, declare, consume until the connection or channel goes away.</summary>
    private async Task ConsumeUntilLostAsync(Uri uri, Backoff reconnect, CancellationToken stoppingToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = uri,
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
            ClientProvidedName = _broker.ClientName ?? $"{_options.Queue}@{Environment.MachineName}",
            ConsumerDispatchConcurrency = 1,
        };

        var lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sessionEnded = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var connection = await factory.CreateConnectionAsync(stoppingToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            connection.ConnectionShutdownAsync += (_, args) => Lost(lost, $"connection closed by {args.Initiator}: {args.ReplyCode} {args.ReplyText}");
            var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
            await using (channel.ConfigureAwait(false))
            {
                channel.ChannelShutdownAsync += (_, args) => Lost(lost, $"channel closed by {args.Initiator}: {args.ReplyCode} {args.ReplyText}");
                await RabbitMqConsumerTopology.DeclareAsync(channel, _broker, _options, stoppingToken).ConfigureAwait(false);
                await channel.BasicQosAsync(prefetchSize: 0, _options.Prefetch, global: false, stoppingToken).ConfigureAwait(false);

                var deliveries = new AsyncEventingBasicConsumer(channel);
                deliveries.ReceivedAsync += (_, delivery) => OnDeliveryAsync(channel, delivery, sessionEnded.Token);
                await channel.BasicConsumeAsync(_options.Queue, autoAck: false, deliveries, stoppingToken).ConfigureAwait(false);

                _status.Consuming();
                reconnect.Reset();
                LogConsuming(_logger, _options.Queue, _broker.Exchange, string.Join(",", _options.BoundEventTypes), _options.Prefetch);
                try
                {
                    var reason = await lost.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
                    _status.Disconnected();
                    LogConnectionLost(_logger, reason);
                }
                finally
                {
                    _status.Disconnected();
                    // A handler waiting to retry stops waiting; one acting on an event finishes before the channel goes.
                    await sessionEnded.CancelAsync().ConfigureAwait(false);
                    await _handling.WaitAsync(_abort.Token).ConfigureAwait(false);
                    _handling.Release();
                }
            }
        }
    }

    private static Task Lost(TaskCompletionSource<string> lost, string reason)
    {
        lost.TrySetResult(reason);
        return Task.CompletedTask;
    }

    private async Task OnDeliveryAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken sessionEnded)
    {
        if (_stopping || sessionEnded.IsCancellationRequested)
        {
            return;
        }

        await _handling.WaitAsync(_abort.Token).ConfigureAwait(false);
        try
        {
            if (!_stopping && !sessionEnded.IsCancellationRequested)
            {
                await HandleDeliveryAsync(channel, delivery, sessionEnded).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Only the acknowledgement calls get here (the channel went away meanwhile): the broker redelivers the
            // message to the next session, and the handler's inbox recognises it.
            LogAcknowledgementFailed(_logger, exception, delivery.BasicProperties.MessageId, exception.Message);
        }
        finally
        {
            _handling.Release();
        }
    }

    private async Task HandleDeliveryAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken sessionEnded)
    {
        IntegrationEvent @event;
        try
        {
            @event = EventMessage.Read(delivery.BasicProperties, delivery.Body);
        }
        catch (FormatException exception)
        {
            LogMalformed(_logger, delivery.BasicProperties.MessageId, delivery.RoutingKey, exception.Message);
            await channel.BasicRejectAsync(delivery.DeliveryTag, requeue: false, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        using var scope = s_eventScope(_logger, @event.Id, @event.Type, delivery.Redelivered);
        try
        {
            await _handler.HandleAsync(@event, _abort.Token).ConfigureAwait(false);
        }
        catch (FormatException exception)
        {
            LogUnhandleable(_logger, exception, @event.Id, @event.Type, exception.Message);
            await channel.BasicRejectAsync(delivery.DeliveryTag, requeue: false, CancellationToken.None).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // Shutdown deadline: left unacknowledged, back in the queue when the channel closes.
            return;
        }
        catch (Exception exception)
        {
            var delay = _retry.Next();
            LogHandlerFailed(_logger, exception, @event.Id, @event.Type, _retry.Failures, delay.TotalMilliseconds, exception.Message);
            try
            {
                await Task.Delay(delay, _time, sessionEnded).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping or disconnected: the broker puts it back by itself.
                return;
            }

            await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        _retry.Reset();
        await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None).ConfigureAwait(false);
        LogHandled(_logger, @event.Id, @event.Type);
    }

    [LoggerMessage(1, LogLevel.Information, "Consuming queue {Queue} bound to {Exchange} for {EventTypes} (prefetch {Prefetch}).")]
    private static partial void LogConsuming(ILogger logger, string queue, string exchange, string eventTypes, ushort prefetch);

    [LoggerMessage(2, LogLevel.Warning, "Lost the broker: {Reason}.")]
    private static partial void LogConnectionLost(ILogger logger, string reason);

    [LoggerMessage(3, LogLevel.Warning, "Could not consume from the broker: {Error}")]
    private static partial void LogSessionFailed(ILogger logger, Exception exception, string error);

    [LoggerMessage(4, LogLevel.Information, "Connecting to the broker again in {DelayMs} ms (attempt {Attempt}).")]
    private static partial void LogReconnecting(ILogger logger, double delayMs, int attempt);

    [LoggerMessage(5, LogLevel.Error, "Rejected message {MessageId} with routing key {RoutingKey}: not an event of ours ({Error}); dead-lettered.")]
    private static partial void LogMalformed(ILogger logger, string? messageId, string routingKey, string error);

    [LoggerMessage(6, LogLevel.Error, "Rejected event {EventId} ({EventType}): it can never be handled ({Error}); dead-lettered.")]
    private static partial void LogUnhandleable(ILogger logger, Exception exception, Guid eventId, string eventType, string error);

    [LoggerMessage(7, LogLevel.Warning, "Event {EventId} ({EventType}) failed ({Failures} in a row); back in the queue in {DelayMs} ms: {Error}")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, Guid eventId, string eventType, int failures, double delayMs, string error);

    [LoggerMessage(8, LogLevel.Warning, "Could not acknowledge message {MessageId}: {Error}; it will come again.")]
    private static partial void LogAcknowledgementFailed(ILogger logger, Exception exception, string? messageId, string error);

    [LoggerMessage(9, LogLevel.Debug, "Handled event {EventId} ({EventType}).")]
    private static partial void LogHandled(ILogger logger, Guid eventId, string eventType);
}
