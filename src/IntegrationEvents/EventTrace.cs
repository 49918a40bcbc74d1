using System.Diagnostics;

namespace IntegrationEvents;

/// <summary>
/// The W3C trace context an event carries (<c>traceparent</c>, and <c>tracestate</c> when there is one): recorded when
/// a grain raises the event, so that its delivery and what it causes (the mail) continue the trace of the request that
/// raised it, across the outbox, the broker and the worker.
/// </summary>
/// <param name="TraceParent">The W3C <c>traceparent</c>: <c>00-&lt;trace id&gt;-&lt;span id&gt;-&lt;flags&gt;</c>.</param>
/// <param name="TraceState">The W3C <c>tracestate</c>, or null.</param>
public sealed record EventTrace(string TraceParent, string? TraceState = null)
{
    /// <summary>The context of <paramref name="activity"/>; null without one, or for one not in the W3C format.</summary>
    public static EventTrace? Of(Activity? activity)
        => activity is { IdFormat: ActivityIdFormat.W3C, Id: { } id }
            ? new EventTrace(id, string.IsNullOrEmpty(activity.TraceStateString) ? null : activity.TraceStateString)
            : null;

    /// <summary>The context of the span this code runs in (a grain call's, an HTTP request's), if any.</summary>
    public static EventTrace? Current() => Of(Activity.Current);

    /// <summary>
    /// The context as a parent for a span in another process. False for a malformed value: tracing must never make an
    /// event undeliverable, so such an event is delivered and traced as if it carried none.
    /// </summary>
    public bool TryGetContext(out ActivityContext context)
        => ActivityContext.TryParse(TraceParent, TraceState, isRemote: true, out context);
}
