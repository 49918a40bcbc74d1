using System.Globalization;
using System.Text;
using IntegrationEvents;
using RabbitMQ.Client;

namespace Messaging.RabbitMq;

/// <summary>
/// An <see cref="IntegrationEvent"/> as an AMQP message: persistent, JSON body (the payload), the event's id as the
/// message id, its type as the message type and routing key, the aggregate and time in headers, and its trace context
/// (<see cref="IntegrationEvent.Trace"/>) in the W3C headers <c>traceparent</c> and <c>tracestate</c>, the names the
/// W3C's AMQP trace-context draft and RabbitMQ.Client's own instrumentation use.
/// </summary>
public static class EventMessage
{
    public const string AggregateTypeHeader = "aggregate_type";
    public const string AggregateIdHeader = "aggregate_id";
    public const string OccurredAtHeader = "occurred_at";
    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";

    public static BasicProperties Properties(IntegrationEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var headers = new Dictionary<string, object?>
        {
            [AggregateTypeHeader] = @event.AggregateType,
            [AggregateIdHeader] = @event.AggregateId,
            [OccurredAtHeader] = @event.OccurredAt.ToString("O", CultureInfo.InvariantCulture),
        };
        if (@event.Trace is { } trace)
        {
            headers[TraceParentHeader] = trace.TraceParent;
            if (trace.TraceState is not null)
            {
                headers[TraceStateHeader] = trace.TraceState;
            }
        }

        return new BasicProperties
        {
            MessageId = @event.Id.ToString(),
            Type = @event.Type,
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            Timestamp = new AmqpTimestamp(@event.OccurredAt.ToUnixTimeSeconds()),
            Headers = headers,
        };
    }

    public static ReadOnlyMemory<byte> Body(IntegrationEvent @event) => Encoding.UTF8.GetBytes(@event.Payload);

    /// <summary>
    /// The event a delivered message carries; <see cref="FormatException"/> if it is not one of ours. The trace headers
    /// are optional: a message without them (published outside any trace, or by an older relay) is an event all the same.
    /// </summary>
    public static IntegrationEvent Read(IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(properties);
        if (!Guid.TryParse(properties.MessageId, out var id) || string.IsNullOrEmpty(properties.Type))
        {
            throw new FormatException("The message has no event id (message id) or no event type.");
        }

        var occurredAt = DateTimeOffset.Parse(Header(properties, OccurredAtHeader), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        var trace = OptionalHeader(properties, TraceParentHeader) is { Length: > 0 } traceParent
            ? new EventTrace(traceParent, OptionalHeader(properties, TraceStateHeader) is { Length: > 0 } traceState ? traceState : null)
            : null;
        return new IntegrationEvent(id, properties.Type, Header(properties, AggregateTypeHeader), Header(properties, AggregateIdHeader), occurredAt,
            Encoding.UTF8.GetString(body.Span), trace);
    }

    private static string Header(IReadOnlyBasicProperties properties, string name)
        => OptionalHeader(properties, name) ?? throw new FormatException($"The message has no '{name}' header.");

    /// <summary>
    /// A header's text: bytes as the broker delivers a string header, or the string itself in properties not yet sent
    /// (what <see cref="Properties"/> builds).
    /// </summary>
    private static string? OptionalHeader(IReadOnlyBasicProperties properties, string name)
        => properties.Headers?.TryGetValue(name, out var value) == true
            ? value switch
            {
                byte[] bytes => Encoding.UTF8.GetString(bytes),
                string text => text,
                _ => null,
            }
            : null;
}
