using System.Diagnostics;
using IntegrationEvents;
using Grains.Outbox;
using Grains.Payments;
using Grains.Persistence.Tests.Infrastructure;
using static Grains.Persistence.Tests.Infrastructure.GrainChanges;

namespace Grains.Persistence.Tests.CommerceStorage;

/// <summary>
/// Outbox rows ride in the write of the state that raised them, for payments as for orders; an event raised again
/// under the same dedupe key (a step repeated after its answer was lost) is the same event: the write lands, the row
/// is not doubled.
/// </summary>
[Collection(SharedSilo.Name)]
public sealed class OutboxEventTests(SiloOnFreshDatabase silo)
{
    private readonly TypedProvider _storage = new(silo.Services);

    [Fact]
    public async Task A_payments_refund_event_is_written_with_its_report_and_once_however_often_it_is_raised()
    {
        var payment = await _storage.CreateAsync(StateSamples.Payment);
        Report(payment.State, PaymentReportSource.Notification, "14000009", "00", "00", amount: 740_000, applied: false);
        payment.State.RaisedEvents.Add(Refund(payment.Key, "14000009"));
        await payment.WriteAsync();

        payment.State.OrderConfirmed = true;
        payment.State.RaisedEvents.Add(Refund(payment.Key, "14000009"));
        await payment.WriteAsync();

        var read = await _storage.ReadAsync<PaymentState>(payment.Key);
        Assert.Equal(("3", true), (read.ETag, read.State.OrderConfirmed));
        Assert.Equal(
            [[$"payment.refund_required:{payment.Key}:14000009", "payment", "payment.refund_required", RefundReasons.SecondSuccess]],
            await silo.Database.RowsAsync("SELECT dedupe_key, aggregate_type, event_type, payload->>'reason' FROM outbox WHERE aggregate_id = $1", payment.Key));
    }

    [Fact]
    public async Task An_event_is_written_with_the_trace_context_of_the_span_it_was_raised_in_and_one_raised_outside_any_with_none()
    {
        var payment = await _storage.CreateAsync(StateSamples.Payment);
        Report(payment.State, PaymentReportSource.Notification, "14000010", "00", "00", amount: 740_000, applied: false);
        string traceParent;
        using (var grainCall = new Activity("IPaymentGrain/Report").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            grainCall.TraceStateString = "commerce=1";
            traceParent = grainCall.Id!;
            payment.State.RaisedEvents.Add(Refund(payment.Key, "14000010"));
        }

        payment.State.RaisedEvents.Add(Refund(payment.Key, "14000011"));
        await payment.WriteAsync();

        Assert.Equal(
            [[traceParent, "commerce=1"], [null, null]],
            await silo.Database.RowsAsync("SELECT trace_parent, trace_state FROM outbox WHERE aggregate_id = $1 ORDER BY position", payment.Key));
    }

    private static OutboxMessage Refund(string paymentId, string transactionNo)
        => OutboxEvents.RefundRequired("payment", paymentId, new RefundRequiredPayload(
            "order-1", null, null, paymentId, transactionNo, 740_000, "VND", StateSamples.Start, RefundReasons.SecondSuccess), StateSamples.Start);
}
