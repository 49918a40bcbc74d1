using RabbitMQ.Client;

namespace Messaging.RabbitMq;

/// <summary>What publishers and consumers both declare (idempotently) before use: the durable topic exchange.</summary>
public static class RabbitMqTopology
{
    public static Task DeclareExchangeAsync(IChannel channel, RabbitMqOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(options);
        return channel.ExchangeDeclareAsync(options.Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
    }
}
