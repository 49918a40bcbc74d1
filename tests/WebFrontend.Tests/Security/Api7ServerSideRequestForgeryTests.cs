using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests.Security;

/// <summary>
/// OWASP API7:2023, server side request forgery: no endpoint takes a URL that the server then fetches. The only
/// outbound calls are the silos' querydr calls to the configured VNPay:ApiUrl; the pay page's return URL is
/// VNPay:ReturnUrl from configuration. Each test points every URL-shaped input it can find (body fields, forwarding
/// headers, gateway parameters, a token's key URL) at a local trap that fails the test if anything connects to it.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class Api7ServerSideRequestForgeryTests(ApiCluster api) : IDisposable
{
    private readonly Trap _trap = new();

    public void Dispose() => _trap.Dispose();

    [Theory]
    [InlineData("return_url")]
    [InlineData("ipn_url")]
    [InlineData("callback_url")]
    [InlineData("webhook_url")]
    public async Task An_order_carrying_a_url_for_the_server_to_call_is_refused(string field)
    {
        var product = await Seed.ProductAsync(api.A, stock: 10);
        var start = DateTimeOffset.UtcNow;
        using var customer = api.B.ClientFor(Tokens.Customer(Seed.UniqueId("ssrf")));
        var body = new JsonObject
        {
            ["items"] = new JsonArray(new JsonObject { ["product_id"] = product, ["quantity"] = 1 }),
            [field] = _trap.Url,
        };

        var reply = await customer.PostJsonAsync("/api/v1/orders", body.ToJsonString(), Api.NewKey());

        ProblemAssert.Is(reply, HttpStatusCode.BadRequest, "validation-failed", field);
        await WrittenState.AssertNothingCreatedSinceAsync(api, start);
        _trap.AssertUntouched();
    }

    [Fact]
    public async Task Forwarding_headers_naming_another_host_do_not_change_where_the_gateway_sends_the_customer_back()
    {
        var product = await Seed.ProductAsync(api.A, stock: 10);
        using var customer = api.B.ClientFor(Tokens.Customer(Seed.UniqueId("ssrf")));
        using var request = Api.Request(HttpMethod.Post, "/api/v1/orders", Seed.OrderBody(product), Api.NewKey());
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", _trap.Authority);
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "http");
        request.Headers.TryAddWithoutValidation("Forwarded", $"host={_trap.Authority};proto=http");
        request.Headers.TryAddWithoutValidation("X-Original-URL", _trap.Url);
        request.Headers.TryAddWithoutValidation("Referer", _trap.Url);
        request.Headers.TryAddWithoutValidation("Origin", _trap.Url.TrimEnd('/'));

        var reply = await Reply.ReadAsync(await customer.SendAsync(request));

        Assert.True(reply.Status == HttpStatusCode.Created, reply.ToString());
        var payUrl = new Uri(reply.Json!["payment"]!["pay_url"]!.GetValue<string>());
        var returnUrl = Uri.UnescapeDataString(payUrl.Query.TrimStart('?').Split('&').Single(p => p.StartsWith("vnp_ReturnUrl=", StringComparison.Ordinal))["vnp_ReturnUrl=".Length..]);
        Assert.Equal("http://localhost:8080/api/v1/payments/vnpay/return", returnUrl);
        Assert.DoesNotContain(_trap.Authority, reply.Body, StringComparison.Ordinal);
        _trap.AssertUntouched();
    }

    [Fact]
    public async Task Gateway_parameters_carrying_urls_are_never_fetched_signed_or_not()
    {
        var product = await Seed.ProductAsync(api.A, stock: 10);
        var order = await Checkout.PlaceAsync(api.A, Seed.UniqueId("ssrf"), product);
        using var anonymous = api.B.ClientFor(null);
        var extra = new Dictionary<string, string> { ["vnp_ReturnUrl"] = _trap.Url, ["vnp_IpnUrl"] = _trap.Url, ["vnp_ApiUrl"] = _trap.Url };
        var signed = SignedFailureReport(order, extra);

        var ipn = await Checkout.SendIpnAsync(anonymous, signed);
        var unsignedIpn = await Checkout.SendIpnAsync(anonymous, $"vnp_TxnRef={order.PaymentId}&vnp_ReturnUrl={Uri.EscapeDataString(_trap.Url)}");
        var shown = await anonymous.GetJsonAsync("/api/v1/payments/vnpay/return?" + signed);

        Assert.Equal("00", ipn);
        Assert.Equal("97", unsignedIpn);
        Assert.True(shown.Status == HttpStatusCode.OK, shown.ToString());
        _trap.AssertUntouched();
    }

    [Fact]
    public async Task A_token_whose_header_names_a_key_url_is_checked_against_the_configured_key_only()
    {
        var user = Seed.UniqueId("jku");
        var header = ForgedTokens.Header();
        header["jku"] = _trap.Url + "jwks.json";
        header["x5u"] = _trap.Url + "cert.pem";
        header["kid"] = _trap.Url + "key";
        using var forged = api.B.ClientFor(ForgedTokens.Signed(header, ForgedTokens.Claims(user, "customer"), key: "the-attackers-own-key-0123456789abcdef"));
        using var honest = api.B.ClientFor(ForgedTokens.Signed(header, ForgedTokens.Claims(user, "customer")));

        var refused = await forged.GetJsonAsync("/api/v1/orders");
        var taken = await honest.GetJsonAsync("/api/v1/orders");

        ProblemAssert.Is(refused, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.True(taken.Status == HttpStatusCode.OK, taken.ToString());
        _trap.AssertUntouched();
    }

    /// <summary>A failed attempt as VNPay would report it for <paramref name="order"/>, with <paramref name="extra"/> signed in.</summary>
    private static string SignedFailureReport(PlacedOrder order, Dictionary<string, string> extra)
    {
        var fields = new Dictionary<string, string>(extra)
        {
            ["vnp_Amount"] = (order.Total * 100).ToString(CultureInfo.InvariantCulture),
            ["vnp_BankCode"] = "NCB",
            ["vnp_OrderInfo"] = "Thanh toan don hang " + order.OrderId,
            ["vnp_PayDate"] = "20261122103000",
            ["vnp_ResponseCode"] = "24",
            ["vnp_TmnCode"] = TestPayments.TmnCode,
            ["vnp_TransactionNo"] = "0",
            ["vnp_TransactionStatus"] = "02",
            ["vnp_TxnRef"] = order.PaymentId,
        };
        var data = ReferenceVnPayChecksum.QueryStringData(fields);
        return data + "&vnp_SecureHash=" + ReferenceVnPayChecksum.HmacSha512Hex(TestPayments.HashSecret, data);
    }

    /// <summary>A port on 127.0.0.1 that nothing should ever connect to; a connection is remembered and fails the test.</summary>
    private sealed class Trap : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Task<TcpClient> _connection;

        public Trap()
        {
            _listener.Start();
            _connection = _listener.AcceptTcpClientAsync();

            // Stopping the listener fails the pending accept; that is the expected end, not an error to surface.
            _ = _connection.ContinueWith(t => t.Exception, TaskScheduler.Default);
        }

        public string Authority => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture)}";

        public string Url => $"http://{Authority}/";

        public void AssertUntouched()
            => Assert.False(_connection.IsCompletedSuccessfully, $"Something connected to {Url}: the server fetched a URL a caller supplied.");

        public void Dispose()
        {
            _listener.Stop();
            if (_connection.IsCompletedSuccessfully)
            {
                _connection.Result.Dispose();
            }

            _listener.Dispose();
        }
    }
}
