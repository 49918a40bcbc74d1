using System.Diagnostics.Metrics;
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

namespace WebFrontend.Tests;

/// <summary>
/// The backend's querydr client against a status API that misbehaves in ways the simulator does not: answers that are
/// correctly signed but about another payment (replayed, or crossed by a proxy), and a proxy's HTML page.
/// </summary>
public sealed class VnPayGatewayTests : IAsyncLifetime
{
    private const string PaymentId = "pay0123456789abcdef0123456789abcdef";
    private const long Amount = 250_000;

    private WebApplication _statusApi = null!;
    private Func<VnPayQueryRequest, IResult> _answer = _ => Results.StatusCode(500);
    private ServiceProvider _services = null!;
    private VnPayGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _statusApi = builder.Build();
        _statusApi.MapPost("/merchant_webapi/api/transaction", (Delegate)(async (HttpContext context) => _answer((await context.Request.ReadFromJsonAsync(VnPayJsonContext.Default.VnPayQueryRequest))!)));
        await _statusApi.StartAsync();
        var address = new Uri(_statusApi.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");

        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var options = TestPayments.Options(address);
        options.MaxRetries = 0;
        options.BreakerMinimumThroughput = 100;
        _gateway = new VnPayGateway(Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, new PaymentGatewayMetrics(_services.GetRequiredService<IMeterFactory>()), NullLogger<VnPayGateway>.Instance);
    }

    public async Task DisposeAsync()
    {
        _gateway.Dispose();
        await _services.DisposeAsync();
        await _statusApi.DisposeAsync();
    }

    [Fact]
    public async Task A_signed_answer_about_this_payment_is_taken_and_one_about_another_payment_or_merchant_is_a_gateway_failure()
    {
        _answer = request => Signed(Success(request));
        var report = await _gateway.QueryAsync(Lookup(), CancellationToken.None);
        Assert.True(report is { IsSuccess: true, TransactionNo: "14000001", Amount: Amount }, report?.ToString());

        _answer = request => Signed(Success(request) with { TxnRef = "pay" + new string('f', 32) });
        await Assert.ThrowsAsync<PaymentGatewayException>(() => _gateway.QueryAsync(Lookup(), CancellationToken.None));

        _answer = request => Signed(Success(request) with { TmnCode = "OTHERSHOP" });
        await Assert.ThrowsAsync<PaymentGatewayException>(() => _gateway.QueryAsync(Lookup(), CancellationToken.None));
    }

    [Fact]
    public async Task An_answer_that_is_not_the_gateways_json_is_a_gateway_failure()
    {
        _answer = _ => Results.Content("<html><body>502 Bad Gateway</body></html>", "text/html");
        await Assert.ThrowsAsync<PaymentGatewayException>(() => _gateway.QueryAsync(Lookup(), CancellationToken.None));

        _answer = _ => Results.Content("{\"vnp_ResponseCode\": ", "application/json");
        await Assert.ThrowsAsync<PaymentGatewayException>(() => _gateway.QueryAsync(Lookup(), CancellationToken.None));
    }

    private static PaymentLookup Lookup() => new(PaymentId, "Thanh toan don hang o-1", "20261122103000");

    private static VnPayQueryResponse Success(VnPayQueryRequest request) => new(
        ResponseId: Guid.NewGuid().ToString("N"),
        Command: VnPayProtocol.QueryCommand,
        ResponseCode: QueryResponseCodes.Success,
        Message: "QueryDR Success",
        TmnCode: request.TmnCode,
        TxnRef: request.TxnRef,
        Amount: VnPayAmount.ToText(Amount),
        BankCode: "NCB",
        PayDate: "20261122103500",
        TransactionNo: "14000001",
        TransactionType: "01",
        TransactionStatus: TransactionStatuses.Success,
        OrderInfo: request.OrderInfo,
        PromotionCode: null,
        PromotionAmount: null,
        SecureHash: null);

    private static IResult Signed(VnPayQueryResponse response)
        => Results.Json(response.Signed(TestPayments.HashSecret), VnPayJsonContext.Default.VnPayQueryResponse);
}
