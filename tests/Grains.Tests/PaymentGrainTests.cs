using Grains.Orders;
using Grains.Payments;
using Grains.Products;
using Microsoft.Extensions.DependencyInjection;

namespace Grains.Tests;

/// <summary>
/// The payment grain on an Orleans test silo and a fake clock: VNPay's order of checks, deduplication, late
/// reports, and the poll reminder, which asks the gateway once a minute within a three-minute payment window (and
/// the five-minute hold grace after it while the gateway cannot answer).
/// </summary>
public sealed class PaymentGrainTests : IAsyncLifetime
{
    private const long Price = 500_000;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMinutes(1);

    private CommerceCluster _commerce = null!;

    public async Task InitializeAsync()
    {
        _commerce = await CommerceCluster.StartAsync(options =>
        {
            options.PaymentWindow = TimeSpan.FromMinutes(3);
            options.PaymentPollInterval = PollInterval;
        });
        await _commerce.Grains.GetGrain<IProductGrain>("mouse").Create(new NewProduct("Mouse", Price, 10));
    }

    public async Task DisposeAsync() => await _commerce.DisposeAsync();

    private IOrderGrain Order(string id) => _commerce.Grains.GetGrain<IOrderGrain>(id);

    private IPaymentGrain Payment(string id) => _commerce.Grains.GetGrain<IPaymentGrain>(id);

    private ScriptedPaymentGateway Gateway => _commerce.Gateway;

    [Fact]
    public async Task Reports_are_checked_in_the_gateways_order_and_each_is_recorded_once()
    {
        var paymentId = await PlaceAsync("o-checks");
        var payment = Payment(paymentId);

        Assert.Equal(PaymentReportOutcome.UnknownPayment, await Payment("pay-nobody-opened").Report(Success("T1")));
        Assert.Equal(PaymentReportOutcome.AmountMismatch, await payment.Report(Success("T1") with { Amount = Price - 1 }));
        Assert.Equal(0, (await payment.Get())!.ReportCount);

        // A declined attempt is recorded and leaves the payment open for another try.
        Assert.Equal(PaymentReportOutcome.Recorded, await payment.Report(Declined("T0")));
        Assert.Equal(PaymentReportOutcome.Recorded, await payment.Report(Declined("T0")));
        Assert.Equal((PaymentStatus.Pending, 1), await StatusAsync(payment));
        Assert.Equal(OrderStatus.PendingPayment, (await Order("o-checks").Get())!.Status);

        Assert.Equal(PaymentReportOutcome.Recorded, await payment.Report(Success("T1")));
        Assert.Equal(PaymentReportOutcome.AlreadyConfirmed, await payment.Report(Success("T1")));

        // Late and out of order: another transaction's failure after the success is kept for the record only.
        Assert.Equal(PaymentReportOutcome.AlreadyConfirmed, await payment.Report(Declined("T2")));
        Assert.Equal((PaymentStatus.Succeeded, 3), await StatusAsync(payment));

        var order = (await Order("o-checks").Get())!;
        Assert.Equal(OrderStatus.Paid, order.Status);
        Assert.Equal(("T1", OrderPaymentStatus.Succeeded), (order.Payment!.TransactionNo, order.Payment.Status));
        Assert.True((await payment.Get())!.OrderConfirmed);
        Assert.Null(await PollReminderAsync(paymentId));
    }

    [Fact]
    public async Task While_pending_the_reminder_asks_the_gateway_and_applies_its_answer_like_a_notification()
    {
        var paymentId = await PlaceAsync("o-polled");
        Gateway.AnswerNext(_ => null);
        Gateway.AnswerNext(_ => Success("T9") with { Source = PaymentReportSource.StatusQuery });

        await PollAsync(paymentId, 1);
        Assert.Equal(OrderStatus.PendingPayment, (await Order("o-polled").Get())!.Status);
        await PollAsync(paymentId, 2);

        Assert.Equal(OrderStatus.Paid, (await Order("o-polled").Get())!.Status);
        Assert.True((await Payment(paymentId).Get())!.OrderConfirmed);
        Assert.Null(await PollReminderAsync(paymentId));
    }

    [Fact]
    public async Task A_failed_poll_is_tried_again_at_the_next_tick()
    {
        var paymentId = await PlaceAsync("o-retried");
        Gateway.FailNext();
        Gateway.AnswerNext(_ => Success("T5"));

        await PollAsync(paymentId, 1);
        Assert.Equal((PaymentStatus.Pending, 0), await StatusAsync(Payment(paymentId)));
        Assert.NotNull(await PollReminderAsync(paymentId));
        await PollAsync(paymentId, 2);

        Assert.Equal(OrderStatus.Paid, (await Order("o-retried").Get())!.Status);
    }

    [Fact]
    public async Task Polling_ends_with_the_first_tick_at_the_deadline_and_a_late_notification_is_still_taken()
    {
        var paymentId = await PlaceAsync("o-unpaid");

        for (var tick = 1; tick <= 3; tick++)
        {
            await PollAsync(paymentId, tick);
        }

        Assert.Null(await PollReminderAsync(paymentId));
        Assert.Equal(3, _commerce.GatewayCalls.GetMeasurementSnapshot().Count);

        // The money arrives after the deadline: taken, and told to the order, which decides what it means.
        Assert.Equal(PaymentReportOutcome.Recorded, await Payment(paymentId).Report(Success("T7")));
        Assert.True((await Payment(paymentId).Get())!.OrderConfirmed);
    }

    [Fact]
    public async Task While_the_gateway_cannot_answer_past_the_deadline_polling_goes_on_until_the_hold_grace_ends()
    {
        var paymentId = await PlaceAsync("o-outage");
        var lastTick = (int)((_commerce.Options.PaymentWindow + _commerce.Options.HoldGrace) / PollInterval);
        for (var tick = 1; tick <= lastTick; tick++)
        {
            if (tick >= 3)
            {
                Gateway.FailNext();
            }

            await PollAsync(paymentId, tick);
            Assert.Equal(tick < lastTick, await PollReminderAsync(paymentId) is not null);
        }
    }

    [Fact]
    public async Task A_success_the_order_could_not_hear_is_told_again_when_the_gateway_repeats_its_call()
    {
        var paymentId = await PlaceAsync("o-deaf");
        _commerce.Faults.FailAt(OrderSagaStep.ConfirmingPayment);

        Assert.Equal(PaymentReportOutcome.Recorded, await Payment(paymentId).Report(Success("T4")));
        Assert.False((await Payment(paymentId).Get())!.OrderConfirmed);
        Assert.Equal(OrderStatus.PendingPayment, (await Order("o-deaf").Get())!.Status);
        Assert.NotNull(await PollReminderAsync(paymentId));

        _commerce.Faults.Disarm();
        Assert.Equal(PaymentReportOutcome.AlreadyConfirmed, await Payment(paymentId).Report(Success("T4")));

        Assert.Equal(OrderStatus.Paid, (await Order("o-deaf").Get())!.Status);
        Assert.True((await Payment(paymentId).Get())!.OrderConfirmed);
        Assert.Null(await PollReminderAsync(paymentId));
    }

    [Fact]
    public async Task A_success_after_the_order_ended_unpaid_leaves_the_order_as_it_was()
    {
        var paymentId = await PlaceAsync("o-cancelled");
        await Order("o-cancelled").Cancel();

        Assert.Equal(PaymentReportOutcome.Recorded, await Payment(paymentId).Report(Success("T3")));
        Assert.Equal(PaymentReportOutcome.AlreadyConfirmed, await Payment(paymentId).Report(Success("T3")));

        var order = (await Order("o-cancelled").Get())!;
        Assert.Equal(OrderStatus.Cancelled, order.Status);
        Assert.Equal(OrderPaymentStatus.RefundRequired, order.Payment!.Status);
        Assert.Equal(10, (await _commerce.Grains.GetGrain<IProductGrain>("mouse").Get())!.StockAvailable);
    }

    [Fact]
    public async Task Only_the_order_that_opened_a_pending_payment_can_discard_it()
    {
        var paymentId = await PlaceAsync("o-discard");

        await Payment(paymentId).Discard("someone-else");
        Assert.NotNull(await Payment(paymentId).Get());

        await Payment(paymentId).Discard("o-discard");
        Assert.Null(await Payment(paymentId).Get());
        Assert.Null(await PollReminderAsync(paymentId));
    }

    private async Task<string> PlaceAsync(string orderId)
    {
        var placed = await Order(orderId).Place(new PlaceOrder("alice", "Alice", [new OrderLineRequest("mouse", 1)], null));
        Assert.Equal(PlacementStatus.Placed, placed.Status);
        return placed.Order!.Payment!.Id;
    }

    /// <summary>Moves the clock to the payment's <paramref name="tick"/>-th poll, once it waits for it, and waits for the tick to end.</summary>
    private async Task PollAsync(string paymentId, int tick)
    {
        var payment = Payment(paymentId).GetGrainId();
        await _commerce.Reminders.Armed(payment, "poll-gateway", afterTicks: tick - 1);
        _commerce.Time.Advance(PollInterval);
        await _commerce.Reminders.Ticked(payment, "poll-gateway", tick);
    }

    private static async Task<(PaymentStatus, int)> StatusAsync(IPaymentGrain payment)
    {
        var view = (await payment.Get())!;
        return (view.Status, view.ReportCount);
    }

    private Task<ReminderEntry?> PollReminderAsync(string paymentId)
        => _commerce.Services.GetRequiredService<IReminderTable>().ReadRow(Payment(paymentId).GetGrainId(), "poll-gateway");

    private static PaymentReport Success(string transactionNo)
        => new(transactionNo, Price, "00", "00", "NCB", "20260101071500", PaymentReportSource.Notification);

    private static PaymentReport Declined(string transactionNo)
        => new(transactionNo, Price, "24", "02", "NCB", "20260101071500", PaymentReportSource.Notification);
}
