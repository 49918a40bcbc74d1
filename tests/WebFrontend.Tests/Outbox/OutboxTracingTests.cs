using System.Diagnostics;
using System.Net;
using Commerce.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using ServiceDefaults;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests.Outbox;

/// <summary>
/// One order's trace reaches the mail it causes: the request that cancels the order raises its event in the grain
/// call's span, the relay publishes it to RabbitMQ in a producer span of that trace, and the worker (a process) mails
/// the customer in a consumer span under that producer span, so its log line carries the request's trace id.
/// </summary>
public sealed class OutboxTracingTests : IAsyncLifetime
{
    private readonly OutboxDeliveryRig _rig = new();
    private readonly EndedSpans _siloSpans = new();

    public Task InitializeAsync() => _rig.InitializeAsync();

    public Task DisposeAsync() => _rig.DisposeAsync();

    [Fact]
    public async Task A_cancelled_orders_event_is_published_and_mailed_in_the_trace_of_the_cancel_request()
    {
        var broker = await SharedRabbitMq.ServerAsync();
        await using var worker = await _rig.StartWorkerAsync(broker.Uri);
        await using var silo = await InProcessSilo.StartAsync(_rig.ConnectionString, "traced-outbox-silo", _rig.SiloSettings(broker.Uri),
            services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(_siloSpans)), telemetry: true);
        await using var api = new FrontEnd(_rig.ConnectionString);
        await api.ConnectedAsync();
        var customer = Seed.UniqueId("traced");
        var order = await Checkout.PlaceAsync(api, customer, await Seed.ProductAsync(api, stock: 1));

        var traceId = ActivityTraceId.CreateRandom();
        var cancel = Api.Request(HttpMethod.Post, $"/api/v1/orders/{order.OrderId}/cancel");
        cancel.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        var grainCallSpan = _siloSpans.Next(span => span.TraceId == traceId && span.Source.Name == TelemetryNames.OrleansApplicationActivitySource
            && span.Kind == ActivityKind.Server && span.DisplayName == "IOrderGrain/Cancel");

        // The batch span ends after its events' publish spans (it also waits for the mark): the publish span's link,
        // noted as it ends, tells which batch span to wait for. Both are noted under the processor's lock.
        ActivitySpanId? linkedBatch = null;
        var publishSpan = _siloSpans.Next(span =>
        {
            if (span.TraceId != traceId || span.Source.Name != TelemetryNames.OutboxActivitySource || span.Kind != ActivityKind.Producer)
            {
                return false;
            }

            linkedBatch = span.Links.Select(link => link.Context.SpanId).FirstOrDefault();
            return true;
        });
        var batchSpan = _siloSpans.Next(span => linkedBatch == span.SpanId && span.Source.Name == TelemetryNames.OutboxActivitySource);
        var handled = worker.HandledInTrace(traceId.ToHexString());

        using var client = api.ClientFor(Tokens.Customer(customer));
        var cancelled = await Reply.ReadAsync(await client.SendAsync(cancel));

        Assert.True(cancelled.Status == HttpStatusCode.OK, cancelled.ToString());
        var grainCall = await grainCallSpan.WaitAsync(TimeSpan.FromMinutes(1));
        var publish = await publishSpan.WaitAsync(TimeSpan.FromMinutes(1));
        var @event = Assert.Single(await _rig.EventsOfAsync([customer]));
        Assert.Equal("publish order.cancelled", publish.DisplayName);
        Assert.Equal(grainCall.SpanId, publish.ParentSpanId);
        Assert.Equal(
            ["rabbitmq", _rig.Exchange, @event.Id.ToString(), "order.cancelled", "send"],
            new[] { "messaging.system", "messaging.destination.name", "messaging.message.id", "messaging.rabbitmq.destination.routing_key", "messaging.operation.type" }
                .Select(tag => publish.GetTagItem(tag) as string));
        var batch = await batchSpan.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(("outbox publish", ActivityKind.Internal), (batch.DisplayName, batch.Kind));
        Assert.Equal([(batch.TraceId, batch.SpanId)], publish.Links.Select(link => (link.Context.TraceId, link.Context.SpanId)));

        // The worker's line is written in its consumer span, whose parent is the publish span: the trace went through
        // the message's headers.
        var line = await handled.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(publish.SpanId.ToHexString(), line.Scopes["ParentId"]);
        Assert.Contains($"event {@event.Id} (order.cancelled)", line.Message, StringComparison.Ordinal);
        var mail = Assert.Single(await _rig.MailsToAsync([customer]));
        Assert.Contains(order.OrderId, mail.Subject, StringComparison.Ordinal);
    }
}
