using System.Diagnostics;
using IntegrationEvents;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Messaging.RabbitMq;

/// <summary>
/// Publishes events to the topic exchange with publisher confirms: a batch completes once the broker has confirmed
/// (written to disk, for persistent messages on durable queues) every message of it. One connection and one channel,
/// opened on first use and again after any failure (the relay backs off between tries). Messages go out in the order
/// given: the client sends them one after the other through its channel's lock and only the confirms are awaited
/// together; no rate limiter is set, as its throttling delays could reorder them (the batch size bounds them instead).
/// Unroutable events are not dropped: the exchange's alternate exchange keeps them (see <see cref="RabbitMqTopology"/>).
/// Each event has its publish span (<see cref="EventActivities"/>), from the send to the broker's confirm, and its
/// message carries that span's context for the consumer to continue.
/// </summary>
public sealed class RabbitMqEventPublisher(IOptions<RabbitMqOptions> options) : IEventPublisher, IAsyncDisposable
{
    /// <summary>OpenTelemetry's <c>messaging.system</c> for RabbitMQ.</summary>
    public const string MessagingSystem = "rabbitmq";

    private readonly SemaphoreSlim _opening = new(1, 1);
    private IConnection? _connection;
    private IChannel? _channel;

    public async Task PublishAsync(IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var settings = options.Value;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.PublishTimeout);
        var channel = await ChannelAsync(settings, timeout.Token).ConfigureAwait(false);
        var batch = Activity.Current;
        var publishes = new Activity?[events.Count];
        try
        {
            var confirms = new Task[events.Count];
            for (var i = 0; i < events.Count; i++)
            {
                var @event = events[i];
                var publish = publishes[i] = EventActivities.StartPublish(@event, MessagingSystem, settings.Exchange);
                publish?.SetTag("messaging.rabbitmq.destination.routing_key", @event.Type);
                var message = EventActivities.Carrying(@event, publish);

                // The span is current while the client sends (its own instrumentation, when someone turns it on, then
                // nests under it and writes a traceparent that still continues the event's trace); the next event's
                // span starts from the batch again.
                confirms[i] = channel.BasicPublishAsync(settings.Exchange, @event.Type, mandatory: false, EventMessage.Properties(message), EventMessage.Body(message), timeout.Token).AsTask();
                Activity.Current = batch;
            }

            await Task.WhenAll(confirms).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Array.ForEach(publishes, publish => EventActivities.Failed(publish, exception));

            // Nacked, timed out or disconnected: start afresh on the next try rather than reuse a channel in doubt.
            await CloseAsync(channel).ConfigureAwait(false);
            throw;
        }
        finally
        {
            Array.ForEach(publishes, publish => publish?.Dispose());
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is { } channel)
        {
            await CloseAsync(channel).ConfigureAwait(false);
        }

        _opening.Dispose();
    }

    private async Task<IChannel> ChannelAsync(RabbitMqOptions settings, CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true } open)
        {
            return open;
        }

        await _opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_channel is { IsOpen: true } opened)
            {
                return opened;
            }

            var uri = settings.Uri ?? throw new InvalidOperationException("RabbitMq:Uri is not set.");
            var factory = new ConnectionFactory { Uri = uri, ClientProvidedName = settings.ClientName ?? "outbox-relay", AutomaticRecoveryEnabled = false };
            var connection = await factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var channel = await connection.CreateChannelAsync(
                    new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true, outstandingPublisherConfirmationsRateLimiter: null),
                    cancellationToken).ConfigureAwait(false);
                await RabbitMqTopology.DeclareExchangeAsync(channel, settings, cancellationToken).ConfigureAwait(false);
                (_connection, _channel) = (connection, channel);
                return channel;
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        finally
        {
            _opening.Release();
        }
    }

    private async Task CloseAsync(IChannel channel)
    {
        await _opening.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!ReferenceEquals(channel, _channel))
            {
                return;
            }

            var connection = _connection;
            (_connection, _channel) = (null, null);
            await channel.DisposeAsync().ConfigureAwait(false);
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _opening.Release();
        }
    }
}
