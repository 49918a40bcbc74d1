using RabbitMQ.Client;

namespace Messaging.RabbitMq;

/// <summary>
/// What publishers and consumers both declare (idempotently, with the same arguments) before use: the durable topic
/// exchange, and its alternate exchange with a queue that keeps every event no consumer's queue was bound for (a
/// consumer not yet deployed loses nothing; an operator can move them on).
/// </summary>
public static class RabbitMqTopology
{
    /// <summary>The alternate exchange's and its queue's name, after the exchange's.</summary>
    public static string UnroutedName(RabbitMqOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Exchange + ".unrouted";
    }

    public static async Task DeclareExchangeAsync(IChannel channel, RabbitMqOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(options);
        var unrouted = UnroutedName(options);
        await channel.ExchangeDeclareAsync(unrouted, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(unrouted, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueBindAsync(unrouted, unrouted, routingKey: string.Empty, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.ExchangeDeclareAsync(
            options.Exchange,
            ExchangeType.Topic,
            durable: true,
            autoDelete: false,
            arguments: new Dictionary<string, object?> { ["alternate-exchange"] = unrouted },
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
