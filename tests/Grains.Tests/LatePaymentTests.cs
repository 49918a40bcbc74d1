using IntegrationEvents;
using System.Text.Json;
using Grains.Orders;
using Grains.Outbox;
using Grains.Payments;
using Grains.Persistence.Storage;
using Grains.Products;
using Microsoft.Extensions.DependencyInjection;

namespace Grains.Tests;

/// <summary>
/// Money that comes late or twice: a payment whose order's holds have lapsed sells the units again when it can and
/// otherwise does not pay the order; every transaction that pays for nothing reaches the outbox as one
/// <c>payment.refund_required</c>, whichever grain sees it.
/// </summary>
public sealed class LatePaymentTests : IAsyncLifetime
{
    private const long MousePrice = 500_000;
    private const long KeyboardPrice = 900_000;

    private CommerceCluster _commerce = null!;

    public async Task InitializeAsync()
    {
        _commerce = await CommerceCluster.StartAsync();
        await Product("mouse").Create(new NewProduct("Mouse", MousePrice, 10));
        await Product("keyboard").Create(new NewProduct("Keyboard", KeyboardPrice, 3));
    }

    public async Task DisposeAsync() => await _commerce.DisposeAsync();

    private IProductGrain Product(string id) => _commerce.Grains.GetGrain<IProductGrain>(id);

    private IOrderGrain Order(string id) => _commerce.Grains.GetGrain<IOrderGrain>(id);

    private IPaymentGrain Payment(string id) => _commerce.Grains.GetGrain<IPaymentGrain>(id);

    private IReadOnlyList<OutboxMessage> Outbox(string eventType)
        => [.. _commerce.Services.GetRequiredService<InMemoryOutbox>().Messages.Where(m => m.EventType == eventType)];

    [Fact]
    public async Task A_payment_after_the_holds_lapsed_takes_the_units_again_once_and_pays_the_order()
    {
        var payment = await PlaceAsync("o-late", ("mouse", 2));
        await Product("mouse").Release("o-late");
        Assert.Equal(10, await StockAsync("mouse"));

        Assert.Equal(PaymentReportOutcome.Recorded, await Payment(payment).Report(Success("T1", 2 * MousePrice)));

        Assert.Equal(OrderStatus.Paid, (await Order("o-late").Get())!.Status);
        Assert.Equal(8, await StockAsync("mouse"));

        // The order asks again (its answer was lost): nothing more is sold.
        var again = await Order("o-late").ConfirmPayment(new ConfirmPayment(payment, "T1", 2 * MousePrice, _commerce.Time.GetUtcNow()));
        Assert.Equal(PaymentConfirmation.AlreadyPaid, again);
        Assert.Equal(8, await StockAsync("mouse"));
        Assert.Single(Outbox(OutboxEvents.OrderPaid));
        Assert.Empty(Outbox(OutboxEvents.PaymentRefundRequired));
    }

    [Fact]
    public async Task A_payment_after_the_holds_lapsed_and_the_units_sold_does_not_pay_the_order_and_asks_for_a_refund()
    {
        var payment = await PlaceAsync("o-sold-out", ("mouse", 2), ("keyboard", 1));
        await Product("mouse").Release("o-sold-out");
        await Product("keyboard").Release("o-sold-out");
        Assert.Equal(ProductWriteStatus.Done, (await Product("keyboard").AdjustStock(-3, "sold in the shop")).Status);

        Assert.Equal(PaymentReportOutcome.Recorded, await Payment(payment).Report(Success("T1", (2 * MousePrice) + KeyboardPrice)));

        var order = (await Order("o-sold-out").Get())!;
        Assert.Equal(OrderStatus.Expired, order.Status);
        Assert.Equal((OrderPaymentStatus.RefundRequired, "T1"), (order.Payment!.Status, order.Payment.TransactionNo));

        // The mouse it could sell goes back on sale with the rest.
        Assert.Equal((10, 0), (await StockAsync("mouse"), await StockAsync("keyboard")));
        Assert.Empty(Outbox(OutboxEvents.OrderPaid));
        var refund = Assert.Single(Refunds());
        Assert.Equal(("o-sold-out", payment, "T1", RefundReasons.SoldOut, "EXPIRED"), (refund.OrderId, refund.PaymentId, refund.TransactionNo, refund.Reason, refund.OrderStatus));
    }

    [Fact]
    public async Task A_second_success_on_a_paid_order_keeps_the_first_payment_and_asks_one_refund()
    {
        var payment = await PlaceAsync("o-twice", ("mouse", 1));
        await Payment(payment).Report(Success("T1", MousePrice));
        var paid = (await Order("o-twice").Get())!;

        _commerce.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(PaymentReportOutcome.AlreadyConfirmed, await Payment(payment).Report(Success("T2", MousePrice)));
        Assert.Equal(PaymentReportOutcome.AlreadyConfirmed, await Payment(payment).Report(Success("T2", MousePrice)));

        // Another payment for the same order (a saga's payment that was never discarded) is not this order's either.
        var stray = new ConfirmPayment("pay-stray", "T9", MousePrice, _commerce.Time.GetUtcNow());
        Assert.Equal(PaymentConfirmation.RefundRequired, await Order("o-twice").ConfirmPayment(stray));
        Assert.Equal(PaymentConfirmation.RefundRequired, await Order("o-twice").ConfirmPayment(stray));

        var order = (await Order("o-twice").Get())!;
        Assert.Equal(OrderStatus.Paid, order.Status);
        Assert.Equal(paid.Payment, order.Payment);
        Assert.Equal(paid.Version, order.Version);
        Assert.Equal(9, await StockAsync("mouse"));
        Assert.Single(Outbox(OutboxEvents.OrderPaid));
        Assert.Equal(
            [(payment, "T2", RefundReasons.SecondSuccess), ("pay-stray", "T9", RefundReasons.OrderAlreadyPaid)],
            Refunds().Select(r => (r.PaymentId, r.TransactionNo, r.Reason)));
    }

    [Fact]
    public async Task A_success_for_an_order_that_does_not_exist_asks_for_a_refund_once()
    {
        var expiresAt = _commerce.Time.GetUtcNow().AddMinutes(15);
        await Payment("pay-orphan").Open(new OpenPayment("o-never-written", MousePrice, "VND", expiresAt, "127.0.0.1"));

        Assert.Equal(PaymentReportOutcome.Recorded, await Payment("pay-orphan").Report(Success("T5", MousePrice)));
        Assert.Equal(PaymentReportOutcome.AlreadyConfirmed, await Payment("pay-orphan").Report(Success("T5", MousePrice)));

        var refund = Assert.Single(Refunds());
        Assert.Equal(("o-never-written", "pay-orphan", "T5", MousePrice, RefundReasons.UnknownOrder), (refund.OrderId, refund.PaymentId, refund.TransactionNo, refund.Amount, refund.Reason));
    }

    [Fact]
    public async Task Each_late_payment_after_the_order_ended_asks_for_its_own_refund()
    {
        var payment = await PlaceAsync("o-ended", ("mouse", 1));
        await Order("o-ended").Cancel();

        foreach (var transactionNo in new[] { "T1", "T1", "T2", "T3", "T2" })
        {
            await Payment(payment).Report(Success(transactionNo, MousePrice));
        }

        var order = (await Order("o-ended").Get())!;
        Assert.Equal((OrderStatus.Cancelled, OrderPaymentStatus.RefundRequired, "T1"), (order.Status, order.Payment!.Status, order.Payment.TransactionNo));
        Assert.Equal(10, await StockAsync("mouse"));
        Assert.Equal(
            [("T1", RefundReasons.OrderEnded), ("T2", RefundReasons.SecondSuccess), ("T3", RefundReasons.SecondSuccess)],
            Refunds().Select(r => (r.TransactionNo, r.Reason)));
    }

    private async Task<string> PlaceAsync(string orderId, params (string Product, int Quantity)[] lines)
    {
        var placed = await Order(orderId).Place(new PlaceOrder("alice", "Alice", [.. lines.Select(l => new OrderLineRequest(l.Product, l.Quantity))], null));
        Assert.Equal(PlacementStatus.Placed, placed.Status);
        return placed.Order!.Payment!.Id;
    }

    private async Task<int> StockAsync(string product) => (await Product(product).Get())!.StockAvailable;

    private IEnumerable<RefundRequiredPayload> Refunds()
        => Outbox(OutboxEvents.PaymentRefundRequired).Select(m => JsonSerializer.Deserialize<RefundRequiredPayload>(m.Payload, s_snakeCase)!);

    private static readonly JsonSerializerOptions s_snakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static PaymentReport Success(string transactionNo, long amount)
        => new(transactionNo, amount, "00", "00", "NCB", "20260101071500", PaymentReportSource.Notification);
}
