namespace Messaging.RabbitMq;

/// <summary>
/// Whether the consumer is connected and consuming right now: what a readiness check reports. Written by
/// <see cref="RabbitMqEventConsumer"/> before it logs the change, so a log line seen means the state is already set.
/// </summary>
public sealed class RabbitMqConsumerStatus
{
    private volatile bool _consuming;

    public bool IsConsuming => _consuming;

    internal void Consuming() => _consuming = true;

    internal void Disconnected() => _consuming = false;
}
