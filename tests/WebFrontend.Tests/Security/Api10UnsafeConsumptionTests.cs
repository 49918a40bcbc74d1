using System.Diagnostics.Metrics;
using System.Net;
using Grains.Payments;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Payments.VnPay;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests.Security;

/// <summary>
/// OWASP API10:2023, unsafe consumption of APIs: what VNPay sends is believed only when it is signed with the merchant's
/// secret and is about this merchant's payment, for its amount. A forged or tampered IPN, a return page someone edited,
/// and a status answer that is unsigned, signed by someone else or altered after signing change nothing. PaymentTests
/// and VnPayGatewayTests cover the gateway's honest answers and the crossed ones.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class Api10UnsafeConsumptionTests(ApiCluster api)
{
    [Fact]
    public async Task A_success_ipn_signed_with_another_secret_answers_97_and_pays_nothing()
        => await AssertRefusedAsync((order, signed) => Resign(signed, "someone-elses-hash-secret-0123456789"), "97");

    [Fact]
    public async Task A_success_ipn_without_a_signature_answers_97_and_pays_nothing()
        => await AssertRefusedAsync((order, signed) => signed[..signed.IndexOf("&vnp_SecureHash=", StringComparison.Ordinal)], "97");

    [Fact]
    public async Task A_success_ipn_whose_amount_was_lowered_after_signing_answers_97_and_pays_nothing()
        => await AssertRefusedAsync((order, signed) => signed.Replace($"vnp_Amount={order.Total * 100}", "vnp_Amount=100", StringComparison.Ordinal), "97");

    [Fact]
    public async Task A_success_ipn_for_another_transaction_reference_after_signing_answers_97_and_pays_nothing()
        => await AssertRefusedAsync((order, signed) => signed.Replace($"vnp_TxnRef={order.PaymentId}", $"vnp_TxnRef=pay{new string('0', 32)}", StringComparison.Ordinal), "97");

    [Fact]
    public async Task A_success_ipn_with_a_repeated_amount_answers_97_and_pays_nothing()
        => await AssertRefusedAsync((order, signed) => signed + "&vnp_Amount=100", "97");

    [Fact]
    public async Task A_correctly_signed_success_ipn_for_the_wrong_amount_answers_04_and_pays_nothing()
        => await AssertRefusedAsync((order, _) => Checkout.IpnQuery(order, "95000004", success: true, amount: order.Total - 1), "04");

    [Fact]
    public async Task A_correctly_signed_success_ipn_for_an_unknown_payment_answers_01_and_pays_nothing()
        => await AssertRefusedAsync((order, _) => Checkout.IpnQuery(order, "95000005", success: true, paymentId: "pay" + new string('e', 32)), "01");

    [Fact]
    public async Task A_return_page_whose_result_was_edited_is_refused()
    {
        var product = await Seed.ProductAsync(api.A, stock: 10);
        var order = await Checkout.PlaceAsync(api.A, Seed.UniqueId("unsafe"), product);
        var failed = Checkout.IpnQuery(order, "95000006", success: false);
        using var anonymous = api.B.ClientFor(null);

        var edited = await anonymous.GetJsonAsync("/api/v1/payments/vnpay/return?" + failed
            .Replace("vnp_ResponseCode=24", "vnp_ResponseCode=00", StringComparison.Ordinal)
            .Replace("vnp_TransactionStatus=02", "vnp_TransactionStatus=00", StringComparison.Ordinal));

        ProblemAssert.Is(edited, HttpStatusCode.BadRequest, "invalid-signature");
        await AssertUnpaidAsync(order);
    }

    [Fact]
    public async Task A_status_answer_that_is_unsigned_signed_by_another_secret_or_altered_after_signing_is_a_gateway_failure()
    {
        await using var statusApi = await StatusApi.StartAsync();
        const long amount = 250_000;
        var lookup = new PaymentLookup("pay0123456789abcdef0123456789abcdef", "Thanh toan don hang o-1", "20261122103000");

        statusApi.Answer = request => Success(request, amount);
        Assert.True((await statusApi.Gateway.QueryAsync(lookup, CancellationToken.None)) is { IsSuccess: true, Amount: amount });

        statusApi.Answer = request => Success(request, amount) with { SecureHash = null };
        await Assert.ThrowsAsync<PaymentGatewayException>(() => statusApi.Gateway.QueryAsync(lookup, CancellationToken.None));

        statusApi.Answer = request => Success(request, amount).Signed("someone-elses-hash-secret-0123456789");
        await Assert.ThrowsAsync<PaymentGatewayException>(() => statusApi.Gateway.QueryAsync(lookup, CancellationToken.None));

        statusApi.Answer = request => Success(request, amount) with { Amount = VnPayAmount.ToText(1) };
        await Assert.ThrowsAsync<PaymentGatewayException>(() => statusApi.Gateway.QueryAsync(lookup, CancellationToken.None));

        statusApi.Answer = request => Success(request, amount) with { TransactionNo = "99999999" };
        await Assert.ThrowsAsync<PaymentGatewayException>(() => statusApi.Gateway.QueryAsync(lookup, CancellationToken.None));
    }

    /// <summary>
    /// Places an order, sends the IPN that <paramref name="forge"/> makes of the honest success IPN, and checks the
    /// answer and that the order is still unpaid, with no report recorded as applied and nothing in the outbox.
    /// </summary>
    private async Task AssertRefusedAsync(Func<PlacedOrder, string, string> forge, string expectedCode)
    {
        var product = await Seed.ProductAsync(api.A, stock: 10);
        var order = await Checkout.PlaceAsync(api.A, Seed.UniqueId("unsafe"), product);
        using var anonymous = api.B.ClientFor(null);

        var code = await Checkout.SendIpnAsync(anonymous, forge(order, Checkout.IpnQuery(order, "95000001", success: true)));

        Assert.Equal(expectedCode, code);
        await AssertUnpaidAsync(order);
    }

    private async Task AssertUnpaidAsync(PlacedOrder order)
    {
        Assert.Equal("PENDING_PAYMENT", await api.TextAsync("SELECT status FROM orders WHERE id = $1", order.OrderId));
        Assert.Equal("Pending", await api.TextAsync("SELECT status FROM payments WHERE id = $1", order.PaymentId));
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM payment_events WHERE payment_id = $1", order.PaymentId));
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM outbox WHERE aggregate_id IN ($1, $2)", order.OrderId, order.PaymentId));
    }

    /// <summary>The same parameters, signed again with <paramref name="secret"/>.</summary>
    private static string Resign(string signed, string secret)
    {
        var data = signed[..signed.IndexOf("&vnp_SecureHash=", StringComparison.Ordinal)];
        return data + "&vnp_SecureHash=" + ReferenceVnPayChecksum.HmacSha512Hex(secret, data);
    }

    /// <summary>A signed success answer about the payment asked, for <paramref name="amount"/>.</summary>
    private static VnPayQueryResponse Success(VnPayQueryRequest request, long amount) => new VnPayQueryResponse(
        ResponseId: Guid.NewGuid().ToString("N"),
        Command: VnPayProtocol.QueryCommand,
        ResponseCode: QueryResponseCodes.Success,
        Message: "QueryDR Success",
        TmnCode: request.TmnCode,
        TxnRef: request.TxnRef,
        Amount: VnPayAmount.ToText(amount),
        BankCode: "NCB",
        PayDate: "20261122103500",
        TransactionNo: "14000001",
        TransactionType: "01",
        TransactionStatus: TransactionStatuses.Success,
        OrderInfo: request.OrderInfo,
        PromotionCode: null,
        PromotionAmount: null,
        SecureHash: null).Signed(TestPayments.HashSecret);

    /// <summary>A stand-in for VNPay's status API on a local port, answering what the test says, and the silo's client of it.</summary>
    private sealed class StatusApi : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ServiceProvider _services;

        private StatusApi(WebApplication app, ServiceProvider services, VnPayGateway gateway)
        {
            _app = app;
            _services = services;
            Gateway = gateway;
        }

        public Func<VnPayQueryRequest, VnPayQueryResponse> Answer { get; set; } = _ => throw new InvalidOperationException("No answer set.");

        public VnPayGateway Gateway { get; }

        public static async Task<StatusApi> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            StatusApi? self = null;
            app.MapPost("/merchant_webapi/api/transaction", (Delegate)(async (HttpContext context) =>
                Results.Json(self!.Answer((await context.Request.ReadFromJsonAsync(VnPayJsonContext.Default.VnPayQueryRequest))!), VnPayJsonContext.Default.VnPayQueryResponse)));
            await app.StartAsync();
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
            var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
            var options = TestPayments.Options(address);
            options.MaxRetries = 0;
            options.BreakerMinimumThroughput = 100;
            var gateway = new VnPayGateway(Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System,
                new PaymentGatewayMetrics(services.GetRequiredService<IMeterFactory>()), NullLogger<VnPayGateway>.Instance);
            self = new StatusApi(app, services, gateway);
            return self;
        }

        public async ValueTask DisposeAsync()
        {
            Gateway.Dispose();
            await _services.DisposeAsync();
            await _app.DisposeAsync();
        }
    }
}
