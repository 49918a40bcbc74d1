using IntegrationEvents;
using Messaging.RabbitMq;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Notifications.Tests.Infrastructure;

/// <summary>
/// A plain RabbitMQ.Client publisher, as the outbox relay publishes: persistent messages through
/// <see cref="EventMessage"/>, with publisher confirms, so a publish returns once the broker has the message. It also
/// reads queues, for what the worker dead-letters.
/// </summary>
public sealed class EventBus : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly string _exchange;

    private EventBus(IConnection connection, IChannel channel, string exchange)
    {
        _connection = connection;
        _channel = channel;
        _exchange = exchange;
    }

    public static async Task<EventBus> ConnectAsync(Uri broker, string exchange)
    {
        var connection = await new ConnectionFactory { Uri = broker, ClientProvidedName = "notifications-tests" }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await RabbitMqTopology.DeclareExchangeAsync(channel, new RabbitMqOptions { Exchange = exchange }, CancellationToken.None);
        return new EventBus(connection, channel, exchange);
    }

    /// <summary>Publishes each event as one message, routed by its type; returns once the broker confirmed them all.</summary>
    public async Task PublishAsync(params IntegrationEvent[] events)
    {
        foreach (var @event in events)
        {
            await _channel.BasicPublishAsync(_exchange, @event.Type, mandatory: false, EventMessage.Properties(@event), EventMessage.Body(@event));
        }
    }

    /// <summary>Publishes a message as given: for messages that are not events.</summary>
    public async Task PublishRawAsync(string routingKey, BasicProperties properties, ReadOnlyMemory<byte> body)
        => await _channel.BasicPublishAsync(_exchange, routingKey, mandatory: false, properties, body);

    /// <summary>Completes with the first <paramref name="count"/> messages that arrive in <paramref name="queue"/> (each acknowledged).</summary>
    public async Task<IReadOnlyList<BasicDeliverEventArgs>> ReadAsync(string queue, int count)
    {
        var channel = await _connection.CreateChannelAsync();
        var messages = new List<BasicDeliverEventArgs>();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            // The body is the client's buffer only during this call.
            messages.Add(new BasicDeliverEventArgs(delivery.ConsumerTag, delivery.DeliveryTag, delivery.Redelivered, delivery.Exchange,
                delivery.RoutingKey, delivery.BasicProperties, delivery.Body.ToArray()));
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
            if (messages.Count == count)
            {
                arrived.TrySetResult();
            }
        };
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
        try
        {
            await arrived.Task;
            return messages;
        }
        finally
        {
            await channel.DisposeAsync();
        }
    }

    /// <summary>Closes what is still open; after a broker restart nothing is, and that is no failure.</summary>
    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
