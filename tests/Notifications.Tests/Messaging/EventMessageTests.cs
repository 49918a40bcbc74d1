using System.Text;
using IntegrationEvents;
using Messaging.RabbitMq;
using Notifications.Tests.Infrastructure;
using RabbitMQ.Client;

namespace Notifications.Tests.Messaging;

/// <summary>An event's trace context as its AMQP message carries it: the W3C headers, read back into the event.</summary>
public sealed class EventMessageTests
{
    private static readonly EventTrace s_trace = new("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "commerce=relay,vendor=t61rcWkgMzE");

    [Fact]
    public void An_events_trace_context_goes_in_the_traceparent_and_tracestate_headers_and_comes_back_from_the_broker()
    {
        var @event = TestEvents.Paid("tracy") with { Trace = s_trace };

        var properties = EventMessage.Properties(@event);

        Assert.Equal(s_trace.TraceParent, properties.Headers![EventMessage.TraceParentHeader]);
        Assert.Equal(s_trace.TraceState, properties.Headers[EventMessage.TraceStateHeader]);
        var read = EventMessage.Read(AsDelivered(properties), EventMessage.Body(@event));
        Assert.Equal(@event, read);
        Assert.Equal(s_trace, read.Trace);
    }

    [Fact]
    public void Properties_not_yet_sent_read_back_the_same()
    {
        var @event = TestEvents.Cancelled("tracy") with { Trace = s_trace };

        Assert.Equal(@event, EventMessage.Read(EventMessage.Properties(@event), EventMessage.Body(@event)));
    }

    [Fact]
    public void An_event_raised_outside_any_trace_has_no_trace_headers_and_reads_back_without_a_trace()
    {
        var @event = TestEvents.Expired("tracy");

        var properties = EventMessage.Properties(@event);

        Assert.Equal([EventMessage.AggregateIdHeader, EventMessage.AggregateTypeHeader, EventMessage.OccurredAtHeader], properties.Headers!.Keys.Order(StringComparer.Ordinal));
        var read = EventMessage.Read(AsDelivered(properties), EventMessage.Body(@event));
        Assert.Null(read.Trace);
        Assert.Equal(@event, read);
    }

    [Fact]
    public void A_trace_without_a_tracestate_sends_no_tracestate_header()
    {
        var @event = TestEvents.Paid("tracy") with { Trace = new EventTrace(s_trace.TraceParent) };

        var properties = EventMessage.Properties(@event);

        Assert.False(properties.Headers!.ContainsKey(EventMessage.TraceStateHeader));
        Assert.Equal(new EventTrace(s_trace.TraceParent), EventMessage.Read(AsDelivered(properties), EventMessage.Body(@event)).Trace);
    }

    /// <summary>The properties as a consumer receives them: the broker hands string headers back as bytes.</summary>
    private static BasicProperties AsDelivered(BasicProperties sent)
        => new(sent) { Headers = sent.Headers!.ToDictionary(h => h.Key, h => (object?)Encoding.UTF8.GetBytes((string)h.Value!)) };
}
