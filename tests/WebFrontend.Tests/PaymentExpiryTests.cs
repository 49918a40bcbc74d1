using Commerce.Testing;
using System.Net;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>Unpaid orders expire at their deadline (case C16), and money that arrives after it is refunded, not kept.</summary>
public sealed class PaymentExpiryTests(ShortWindowPaymentCluster payments) : IClassFixture<ShortWindowPaymentCluster>
{
    private readonly FrontEnd _api = payments.Api;

    [Fact]
    public async Task An_unpaid_order_expires_at_its_deadline_and_its_stock_comes_back()
    {
        var product = await Seed.ProductAsync(_api, stock: 5);
        var order = await Checkout.PlaceAsync(_api, Seed.UniqueId("expire"), product, quantity: 2);
        Assert.Equal(3, await Checkout.StockAsync(_api, product));

        var expired = await Checkout.WaitForStatusAsync(payments.Database, _api, order.OrderId, "EXPIRED");

        Assert.True(DateTimeOffset.UtcNow >= order.ExpiresAt);
        Assert.Equal(5, await Checkout.StockAsync(_api, product));
        Assert.Equal("CLOSED", expired["payment"]!["status"]!.GetValue<string>());
        Assert.Equal("order.expired EXPIRED", await payments.Database.TextAsync(
            "SELECT string_agg(event_type || ' ' || (payload->>'status'), ', ') FROM outbox WHERE aggregate_id = $1", order.OrderId));
    }

    [Fact]
    public async Task A_payment_that_succeeds_after_expiry_is_recorded_and_asks_for_one_refund()
    {
        var product = await Seed.ProductAsync(_api, stock: 5);
        var order = await Checkout.PlaceAsync(_api, Seed.UniqueId("late"), product);
        await Checkout.WaitForStatusAsync(payments.Database, _api, order.OrderId, "EXPIRED");
        using var gateway = _api.ClientFor(null);
        var lateSuccess = Checkout.IpnQuery(order, "73000001", success: true);

        Assert.Equal("00", await Checkout.SendIpnAsync(gateway, lateSuccess));
        Assert.Equal("02", await Checkout.SendIpnAsync(gateway, lateSuccess));

        using var admin = _api.ClientFor(Seed.Admin);
        var after = await admin.GetJsonAsync($"/api/v1/orders/{order.OrderId}");
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.Equal("EXPIRED", after.Json!["status"]!.GetValue<string>());
        Assert.Equal("REFUND_REQUIRED", after.Json!["payment"]!["status"]!.GetValue<string>());
        Assert.Equal(5, await Checkout.StockAsync(_api, product));
        Assert.Equal(1, await payments.CountAsync("SELECT count(*) FROM outbox WHERE aggregate_id = $1 AND event_type = 'payment.refund_required'", order.OrderId));
        Assert.Equal(0, await payments.CountAsync("SELECT count(*) FROM outbox WHERE aggregate_id = $1 AND event_type = 'order.paid'", order.OrderId));
    }
}
