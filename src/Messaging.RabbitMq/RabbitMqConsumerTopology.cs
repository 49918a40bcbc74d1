using RabbitMQ.Client;

namespace Messaging.RabbitMq;

/// <summary>
/// What a consumer declares (idempotently) before it consumes: its durable queue, bound to the exchange by event
/// type, and the durable queue its unreadable messages are dead-lettered to, so a rejected message is kept for a
/// person to look at instead of dropped. A queue's arguments cannot change once declared: changing the dead-letter
/// arguments here means a new queue name.
/// </summary>
public static class RabbitMqConsumerTopology
{
    public static async Task DeclareAsync(IChannel channel, RabbitMqOptions broker, RabbitMqConsumerOptions consumer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(broker);
        ArgumentNullException.ThrowIfNull(consumer);

        await RabbitMqTopology.DeclareExchangeAsync(channel, broker, cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(consumer.RejectedQueue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);

        var arguments = new Dictionary<string, object?>
        {
            // The default exchange routes by queue name: rejected messages land in the rejected queue as they were.
            ["x-dead-letter-exchange"] = "",
            ["x-dead-letter-routing-key"] = consumer.RejectedQueue,
        };
        await channel.QueueDeclareAsync(consumer.Queue, durable: true, exclusive: false, autoDelete: false, arguments, cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var type in consumer.BoundEventTypes)
        {
            await channel.QueueBindAsync(consumer.Queue, broker.Exchange, routingKey: type, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }
}
