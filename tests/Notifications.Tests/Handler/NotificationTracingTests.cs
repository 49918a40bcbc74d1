using System.Collections.Concurrent;
using System.Diagnostics;
using CustomerNotifications;
using IntegrationEvents;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Tests.Infrastructure;

namespace Notifications.Tests.Handler;

/// <summary>
/// The spans of an event's delivery: the handler's consumer span continues the trace the event carries and holds the
/// mail, and the embedded mode's in-process publisher puts a publish span between the raising trace and the handler.
/// </summary>
public sealed class NotificationTracingTests : IDisposable
{
    private const string RelaySourceName = "Notifications.Tests.Relay";
    private static readonly ActivitySource s_relay = new(RelaySourceName);
    private readonly HandlerHarness _harness = new();
    private readonly ConcurrentQueue<Activity> _ended = new();
    private readonly ActivityListener _listener;

    public NotificationTracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is NotificationActivities.SourceName or EventActivities.PublishSourceName or RelaySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _ended.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _harness.Dispose();
    }

    [Fact]
    public async Task The_handlers_consumer_span_continues_the_trace_the_event_carries_and_the_mail_is_sent_in_it()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var publishSpanId = ActivitySpanId.CreateRandom();
        var paid = TestEvents.Paid("tracy") with { Trace = new EventTrace($"00-{traceId}-{publishSpanId}-01", "commerce=1") };

        await _harness.Handler.HandleAsync(paid, CancellationToken.None);

        var process = Assert.Single(SpansOf(traceId));
        Assert.Equal((NotificationActivities.SourceName, ActivityKind.Consumer, "process order.paid"), (process.Source.Name, process.Kind, process.DisplayName));
        Assert.Equal(publishSpanId, process.ParentSpanId);
        Assert.True(process.HasRemoteParent, "its parent is the publisher's span, in another process");
        Assert.Equal("commerce=1", process.TraceStateString);
        Assert.Equal(paid.Id.ToString(), process.GetTagItem("messaging.message.id"));
        Assert.Equal("process", process.GetTagItem("messaging.operation.type"));
        Assert.Equal(ActivityStatusCode.Unset, process.Status);
        Assert.Same(process, Assert.Single(_harness.Mail.SentInSpans));
    }

    [Fact]
    public async Task A_failed_handling_marks_its_span_as_failed()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var paid = TestEvents.Paid("tracy") with { Trace = new EventTrace($"00-{traceId}-{ActivitySpanId.CreateRandom()}-01") };
        _harness.Mail.FailNext(new IOException("smtp down"));

        await Assert.ThrowsAsync<IOException>(() => _harness.Handler.HandleAsync(paid, CancellationToken.None));

        var process = Assert.Single(SpansOf(traceId));
        Assert.Equal((ActivityStatusCode.Error, "smtp down"), (process.Status, process.StatusDescription));
    }

    [Fact]
    public async Task In_process_each_event_is_published_in_the_trace_it_was_raised_in_linked_to_the_batch_and_handled_under_that_publish()
    {
        var publisher = new InProcessEventPublisher(_harness.Services.GetRequiredService<IIntegrationEventHandler>());
        var traceId = ActivityTraceId.CreateRandom();
        var raisedInSpanId = ActivitySpanId.CreateRandom();
        var raised = TestEvents.Cancelled("tracy") with { Trace = new EventTrace($"00-{traceId}-{raisedInSpanId}-01") };
        var untraced = TestEvents.Expired("tracy");
        ActivityContext batch;

        using (var relay = s_relay.StartActivity("outbox publish"))
        {
            batch = relay!.Context;
            await publisher.PublishAsync([raised, untraced], CancellationToken.None);
        }

        var spans = SpansOf(traceId);
        Assert.Equal(2, spans.Count);
        var process = spans[0];
        var publish = spans[1];
        Assert.Equal((EventActivities.PublishSourceName, ActivityKind.Producer, "publish order.cancelled"), (publish.Source.Name, publish.Kind, publish.DisplayName));
        Assert.Equal(raisedInSpanId, publish.ParentSpanId);
        Assert.Equal(raised.Id.ToString(), publish.GetTagItem("messaging.message.id"));
        Assert.Equal([batch], publish.Links.Select(link => link.Context));
        Assert.Equal(("process order.cancelled", publish.SpanId), (process.DisplayName, process.ParentSpanId));

        // Raised outside any trace: published and handled as part of the batch's trace.
        var batchSpans = SpansOf(batch.TraceId).Where(span => span.SpanId != batch.SpanId).ToList();
        Assert.Equal(["process order.expired", "publish order.expired"], batchSpans.Select(span => span.DisplayName));
        Assert.Equal(batch.SpanId, batchSpans[1].ParentSpanId);
        Assert.Empty(batchSpans[1].Links);
        Assert.Equal([process, batchSpans[0]], _harness.Mail.SentInSpans);
    }

    /// <summary>The spans of one trace that have ended, in the order they ended.</summary>
    private List<Activity> SpansOf(ActivityTraceId traceId) => [.. _ended.Where(span => span.TraceId == traceId)];
}
