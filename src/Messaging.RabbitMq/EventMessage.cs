using System.Globalization;
using System.Text;
using IntegrationEvents;
using RabbitMQ.Client;

namespace Messaging.RabbitMq;

/// <summary>
/// An <see cref="IntegrationEvent"/> as an AMQP message: persistent, JSON body (the payload), the event's id as the
/// message id, its type as the message type and routing key, the aggregate and time in headers.
/// </summary>
public static class EventMessage
{
    public const string AggregateTypeHeader = "aggregate_type";
    public const string AggregateIdHeader = "aggregate_id";
    public const string OccurredAtHeader = "occurred_at";

    public static BasicProperties Properties(IntegrationEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        return new BasicProperties
        {
            MessageId = @event.Id.ToString(),
            Type = @event.Type,
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            Timestamp = new AmqpTimestamp(@event.OccurredAt.ToUnixTimeSeconds()),
            Headers = new Dictionary<string, object?>
            {
                [AggregateTypeHeader] = @event.AggregateType,
                [AggregateIdHeader] = @event.AggregateId,
                [OccurredAtHeader] = @event.OccurredAt.ToString("O", CultureInfo.InvariantCulture),
            },
        };
    }

    public static ReadOnlyMemory<byte> Body(IntegrationEvent @event) => Encoding.UTF8.GetBytes(@event.Payload);

    /// <summary>The event a delivered message carries; <see cref="FormatException"/> if it is not one of ours.</summary>
    public static IntegrationEvent Read(IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(properties);
        if (!Guid.TryParse(properties.MessageId, out var id) || string.IsNullOrEmpty(properties.Type))
        {
            throw new FormatException("The message has no event id (message id) or no event type.");
        }

        var occurredAt = DateTimeOffset.Parse(Header(properties, OccurredAtHeader), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        return new IntegrationEvent(id, properties.Type, Header(properties, AggregateTypeHeader), Header(properties, AggregateIdHeader), occurredAt, Encoding.UTF8.GetString(body.Span));
    }

    private static string Header(IReadOnlyBasicProperties properties, string name)
        => properties.Headers?.TryGetValue(name, out var value) == true && value is byte[] bytes
            ? Encoding.UTF8.GetString(bytes)
            : throw new FormatException($"The message has no '{name}' header.");
}
