using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using Commerce.Testing;
using Grains.Orders;
using Grains.Payments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Orleans.Runtime.Placement;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>
/// Payments over VNPay's protocol (cases C10, C12, C16) against the gateway simulator as a separate process, a real
/// PostgreSQL and two silos polling every second.
/// </summary>
[Collection(PaymentCollection.Name)]
public sealed class PaymentTests(PaymentCluster payments) : IAsyncLifetime
{
    private readonly FrontEnd _api = payments.Api;
    private readonly HttpClient _gateway = payments.Api.ClientFor(null);

    public Task InitializeAsync() => payments.Gateway.ResetFaultsAsync();

    public Task DisposeAsync()
    {
        _gateway.Dispose();
        return payments.Gateway.ResetFaultsAsync();
    }

    [Fact]
    public async Task The_pay_url_and_the_gateways_ipn_carry_the_checksums_vnpays_algorithm_gives()
    {
        var product = await Seed.ProductAsync(_api, stock: 10, price: 125_000);
        var order = await Checkout.PlaceAsync(_api, Seed.UniqueId("hash"), product, quantity: 2);

        var payUrl = new Uri(order.PayUrl);
        var fields = ReferenceVnPayChecksum.ParseQueryString(payUrl.Query).ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(ReferenceVnPayChecksum.QueryStringHash(TestPayments.HashSecret, fields), fields["vnp_SecureHash"]);
        Assert.Equal(payments.Gateway.PayPageUrl, payUrl.GetLeftPart(UriPartial.Path));
        Assert.Equal("25000000", fields["vnp_Amount"]);
        Assert.Equal(order.PaymentId, fields["vnp_TxnRef"]);
        Assert.Equal(("2.1.0", "pay", "VND", TestPayments.TmnCode), (fields["vnp_Version"], fields["vnp_Command"], fields["vnp_CurrCode"], fields["vnp_TmnCode"]));
        Assert.Equal(order.ExpiresAt.ToOffset(TimeSpan.FromHours(7)).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture), fields["vnp_ExpireDate"]);

        await payments.Gateway.OpenPayPageAsync(order.PayUrl);
        await payments.Gateway.CompleteAsync(order.PaymentId, success: true);
        await Checkout.WaitForStatusAsync(payments.Database, _api, order.OrderId, "PAID");

        var delivered = Assert.Single(await Checkout.WaitForIpnAnswersAsync(payments.Gateway, order.PaymentId, 1));
        var ipn = ReferenceVnPayChecksum.ParseQueryString(new Uri(delivered.Url!).Query).ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(ReferenceVnPayChecksum.QueryStringHash(TestPayments.HashSecret, ipn), ipn["vnp_SecureHash"]);
        Assert.Contains(delivered.RspCode, new[] { "00", "02" });

        // The same IPN with one parameter changed no longer matches its checksum.
        var tampered = new Uri(delivered.Url!).Query.TrimStart('?').Replace("vnp_Amount=25000000", "vnp_Amount=100", StringComparison.Ordinal);
        Assert.Equal("97", await Checkout.SendIpnAsync(_gateway, tampered));
    }

    [Fact]
    public async Task Fifty_copies_of_the_success_ipn_and_a_shuffled_failure_make_one_paid_transition_and_one_paid_event()
    {
        var product = await Seed.ProductAsync(_api, stock: 10);
        var order = await Checkout.PlaceAsync(_api, Seed.UniqueId("dupes"), product);
        var success = Checkout.IpnQuery(order, "71000002", success: true);
        var failure = Checkout.IpnQuery(order, "71000001", success: false);
        var calls = Enumerable.Repeat(success, 50).Append(failure).OrderBy(_ => Random.Shared.Next()).ToList();

        var answers = await Task.WhenAll(calls.Select(query => Checkout.SendIpnAsync(_gateway, query)));

        Assert.All(answers, code => Assert.Contains(code, new[] { "00", "02" }));
        Assert.Equal(1, answers.Where((_, i) => calls[i] == success).Count(code => code == "00"));
        await Checkout.WaitForStatusAsync(payments.Database, _api, order.OrderId, "PAID");
        Assert.Equal(1, await payments.CountAsync("SELECT count(*) FROM outbox WHERE aggregate_id = $1 AND event_type = 'order.paid'", order.OrderId));
        Assert.Equal(1, await payments.CountAsync("SELECT count(*) FROM outbox WHERE aggregate_id = $1", order.OrderId));
        Assert.Equal(1, await payments.CountAsync(
            "SELECT count(*) FROM payment_events WHERE payment_id = $1 AND applied AND response_code = '00' AND transaction_status = '00'", order.PaymentId));
        Assert.Equal(2, await payments.CountAsync("SELECT count(*) FROM payment_events WHERE payment_id = $1", order.PaymentId));
    }

    [Fact]
    public async Task An_unknown_payment_answers_01_and_a_wrong_amount_answers_04_and_leaves_the_order_pending()
    {
        var product = await Seed.ProductAsync(_api, stock: 10);
        var order = await Checkout.PlaceAsync(_api, Seed.UniqueId("amount"), product);

        Assert.Equal("01", await Checkout.SendIpnAsync(_gateway, Checkout.IpnQuery(order, "72000001", success: true, paymentId: "pay" + Guid.NewGuid().ToString("N"))));
        Assert.Equal("04", await Checkout.SendIpnAsync(_gateway, Checkout.IpnQuery(order, "72000002", success: true, amount: order.Total - 1)));

        using var admin = _api.ClientFor(Seed.Admin);
        var after = (await admin.GetJsonAsync($"/api/v1/orders/{order.OrderId}")).Json!;
        Assert.Equal("PENDING_PAYMENT", after["status"]!.GetValue<string>());
        Assert.Equal("PENDING", after["payment"]!["status"]!.GetValue<string>());
        Assert.Equal(0, await payments.CountAsync("SELECT count(*) FROM payment_events WHERE payment_id = $1", order.PaymentId));
        Assert.Equal(0, await payments.CountAsync("SELECT count(*) FROM outbox WHERE aggregate_id = $1", order.OrderId));
    }

    [Fact]
    public async Task The_browser_return_shows_the_gateways_verdict_and_changes_nothing_and_a_tampered_repeated_or_misspelled_parameter_is_refused()
    {
        var product = await Seed.ProductAsync(_api, stock: 10);
        var order = await Checkout.PlaceAsync(_api, Seed.UniqueId("return"), product);
        var signed = Checkout.IpnQuery(order, "74000001", success: true);

        var shown = await _gateway.GetJsonAsync("/api/v1/payments/vnpay/return?" + signed);
        var tampered = await _gateway.GetJsonAsync("/api/v1/payments/vnpay/return?" + signed.Replace("vnp_ResponseCode=00", "vnp_ResponseCode=24", StringComparison.Ordinal));
        var repeated = await Checkout.SendIpnAsync(_gateway, signed + "&vnp_Amount=1");
        var misspelled = await Checkout.SendIpnAsync(_gateway, signed + "&VNP_PromotionCode=NOT-SIGNED");

        Assert.Equal(HttpStatusCode.OK, shown.Status);
        Assert.Equal((order.PaymentId, order.OrderId, "success", "PENDING"), (
            shown.Json!["payment_id"]!.GetValue<string>(),
            shown.Json!["order_id"]!.GetValue<string>(),
            shown.Json!["gateway_result"]!.GetValue<string>(),
            shown.Json!["payment_status"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.BadRequest, tampered.Status);
        Assert.Equal("https://errors.example/invalid-signature", tampered.ProblemType);
        Assert.Equal("97", repeated);
        Assert.Equal("97", misspelled);
        Assert.Equal(0, await payments.CountAsync("SELECT count(*) FROM payment_events WHERE payment_id = $1", order.PaymentId));
        using var admin = _api.ClientFor(Seed.Admin);
        Assert.Equal("PENDING_PAYMENT", (await admin.GetJsonAsync($"/api/v1/orders/{order.OrderId}")).Json!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task When_the_gateway_drops_the_ipn_polling_alone_makes_the_order_paid()
    {
        await payments.Gateway.SetIpnFaultsAsync(drop: true);
        var product = await Seed.ProductAsync(_api, stock: 10);
        var order = await Checkout.PlaceAsync(_api, Seed.UniqueId("dropped"), product);
        await payments.Gateway.OpenPayPageAsync(order.PayUrl);
        await payments.Gateway.CompleteAsync(order.PaymentId, success: true);

        var paid = await Checkout.WaitForStatusAsync(payments.Database, _api, order.OrderId, "PAID");

        Assert.All(await payments.Gateway.IpnLogAsync(order.PaymentId), d => Assert.Equal("dropped", d.Outcome));
        Assert.Equal("SUCCEEDED", paid["payment"]!["status"]!.GetValue<string>());
        Assert.Equal(1, await payments.CountAsync(
            "SELECT count(*) FROM payment_events WHERE payment_id = $1 AND source = 'StatusQuery' AND applied", order.PaymentId));
        Assert.Equal(1, await payments.CountAsync("SELECT count(*) FROM outbox WHERE aggregate_id = $1 AND event_type = 'order.paid'", order.OrderId));
    }

    [Fact]
    public async Task Duplicated_and_reordered_ipns_from_the_gateway_confirm_each_order_once()
    {
        await payments.Gateway.SetIpnFaultsAsync(copies: 5, reorderWindow: 2);
        var product = await Seed.ProductAsync(_api, stock: 10);
        var first = await Checkout.PlaceAsync(_api, Seed.UniqueId("reorder"), product);
        var second = await Checkout.PlaceAsync(_api, Seed.UniqueId("reorder"), product);
        foreach (var order in new[] { first, second })
        {
            await payments.Gateway.OpenPayPageAsync(order.PayUrl);
            await payments.Gateway.CompleteAsync(order.PaymentId, success: true);
        }

        foreach (var order in new[] { first, second })
        {
            await Checkout.WaitForStatusAsync(payments.Database, _api, order.OrderId, "PAID");
            Assert.Equal(1, await payments.CountAsync("SELECT count(*) FROM outbox WHERE aggregate_id = $1 AND event_type = 'order.paid'", order.OrderId));
        }

        // Every copy was answered 00 or 02 (so the gateway stopped), whichever of polling and the IPN came first.
        foreach (var order in new[] { first, second })
        {
            var answered = await Checkout.WaitForIpnAnswersAsync(payments.Gateway, order.PaymentId, 5);
            Assert.Equal(5, answered.Count);
            Assert.All(answered, d => Assert.Contains(d.RspCode, new[] { "00", "02" }));
        }
    }

    [Fact]
    public async Task When_the_gateways_status_api_is_down_each_silos_circuit_opens_and_orders_fail_fast_until_it_recovers()
    {
        var silos = payments.Silos;
        var product = await Seed.ProductAsync(_api, stock: 1_000);
        var customer = Seed.UniqueId("breaker");

        // Every silo must be polling something for its circuit to see the outage: one pending order per silo, its
        // payment placed there by Orleans' placement hint (it rides the request context from the order to the payment).
        foreach (var silo in silos)
        {
            var placed = await PlaceOnAsync(silo, customer, product);
            Assert.Equal(PlacementStatus.Placed, placed.Status);
            Assert.Equal(silo.Address, (await payments.OwnerOfAsync(silo.Grains.GetGrain<IPaymentGrain>(placed.Order!.Payment!.Id))).Address);
        }

        var opened = silos.Select(s => Collect(s.Services, PaymentGatewayMetrics.CircuitOpenedName)).ToList();
        var calls = silos.Select(s => Collect(s.Services, PaymentGatewayMetrics.CallsName)).ToList();
        try
        {
            await payments.Gateway.SetStatusFaultsAsync(down: true);
            await Task.WhenAll(opened.Select(o => o.WaitForMeasurementsAsync(1, TimeSpan.FromMinutes(1))));

            // Each silo opened within the configured failures, give or take the polls already in flight as it opened.
            var inFlight = await payments.CountAsync("SELECT count(*) FROM payments WHERE status = 'Pending'") * 2;
            Assert.All(calls, c => Assert.InRange(c.GetMeasurementSnapshot().Count(m => Outcome(m) == "failure"), 1, TestPayments.BreakerMinimumThroughput + inFlight));

            // Each silo's circuit state, as its metrics show it when collected: open, and neither closed nor half open.
            foreach (var silo in silos)
            {
                using var state = new MetricCollector<int>(silo.Services.GetRequiredService<IMeterFactory>(), PaymentGatewayMetrics.MeterName, PaymentGatewayMetrics.CircuitStateName);
                state.RecordObservableInstruments();
                Assert.Equal(
                    [("closed", 0), ("half_open", 0), ("open", 1)],
                    state.GetMeasurementSnapshot().Select(m => ((string)m.Tags["state"]!, m.Value)).Order());
            }

            // Open: an order is refused at once, with nothing reserved and nothing written.
            var stockBefore = await Checkout.StockAsync(_api, product);
            var ordersBefore = await payments.CountAsync("SELECT count(*) FROM orders WHERE customer_id = $1", customer);
            using var client = _api.ClientFor(Tokens.Customer(customer));
            var refused = await client.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product), Api.NewKey());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
            Assert.Equal("https://errors.example/gateway-unavailable", refused.ProblemType);
            Assert.NotNull(refused.Header("Retry-After"));
            Assert.Equal(stockBefore, await Checkout.StockAsync(_api, product));
            Assert.Equal(ordersBefore, await payments.CountAsync("SELECT count(*) FROM orders WHERE customer_id = $1", customer));

            // The gateway returns: each silo's trial call succeeds, the circuit closes, orders go through again.
            calls.ForEach(c => c.Clear());
            await payments.Gateway.ResetFaultsAsync();
            await Task.WhenAll(calls.Select(c => WhenMeasuredAsync(c, m => Outcome(m) == "success")));
            var placed = await client.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product), Api.NewKey());
            Assert.Equal(HttpStatusCode.Created, placed.Status);
        }
        finally
        {
            opened.ForEach(o => o.Dispose());
            calls.ForEach(c => c.Dispose());
        }
    }

    private static async Task<OrderPlacement> PlaceOnAsync(InProcessSilo silo, string customer, string product)
    {
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo.Address);
        try
        {
            var order = silo.Grains.GetGrain<IOrderGrain>(Seed.UniqueId("ord_breaker"));
            return await order.Place(new PlaceOrder(customer, customer, [new OrderLineRequest(product, 1)], CouponCode: null));
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }

    private static MetricCollector<long> Collect(IServiceProvider silo, string instrument)
        => new(silo.GetRequiredService<IMeterFactory>(), PaymentGatewayMetrics.MeterName, instrument);

    private static string? Outcome(CollectedMeasurement<long> measurement) => measurement.Tags.TryGetValue("outcome", out var outcome) ? outcome as string : null;

    /// <summary>Wakes at each new measurement until one matches: the signal is the measurement itself.</summary>
    private static async Task WhenMeasuredAsync(MetricCollector<long> collector, Func<CollectedMeasurement<long>, bool> matches)
    {
        for (var seen = 0; !collector.GetMeasurementSnapshot().Any(matches); seen = collector.GetMeasurementSnapshot().Count)
        {
            await collector.WaitForMeasurementsAsync(seen + 1, TimeSpan.FromMinutes(1));
        }
    }
}
