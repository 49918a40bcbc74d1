using System.Net;
using System.Net.Http.Headers;
using System.Text;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests.Security;

/// <summary>
/// OWASP API4:2023, unrestricted resource consumption: every input that costs the server memory or work has a bound,
/// and going over it is refused before anything is read from or written to the cluster. Bodies (64 KiB in the tests,
/// Frontend:MaxRequestBodyBytes, enforced by Kestrel too), JSON depth (16), lines per order (50) and units per line
/// (100), list pages (100), and every string the API stores or searches. Rate limits per client and on the order path:
/// RateLimitTests.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class Api4ResourceConsumptionTests(ApiCluster api)
{
    /// <summary>Over the test front ends' Frontend:MaxRequestBodyBytes (65536).</summary>
    private const int Oversized = 70_000;

    /// <summary>Description, caller, method, path ({user}, {product}, {new}), body (null: none), status, problem type, field.</summary>
    public static TheoryData<string, string, string, string, string?, int, string, string?> Attacks => new()
    {
        { "a body over the size limit", "manager", "POST", "/api/v1/products", $$"""{"id":"{new}","name":"{{new string('n', Oversized)}}","price":1,"stock":1}""", 413, "payload-too-large", null },
        { "JSON nested 20 deep", "customer", "POST", "/api/v1/orders", $$"""{"items":[{"product_id":"{product}","quantity":1}],"x":{{new string('[', 20)}}{{new string(']', 20)}}}""", 400, "malformed-body", null },
        { "an order of 51 lines", "customer", "POST", "/api/v1/orders", "{\"items\":[" + string.Join(',', Enumerable.Range(1, 51).Select(i => $$"""{"product_id":"line-{{i}}","quantity":1}""")) + "]}", 400, "validation-failed", "items" },
        { "an order of 1,000 lines", "customer", "POST", "/api/v1/orders", "{\"items\":[" + string.Join(',', Enumerable.Range(1, 1_000).Select(i => $$"""{"product_id":"l{{i}}","quantity":1}""")) + "]}", 400, "validation-failed", "items" },
        { "an order line of 101 units", "customer", "POST", "/api/v1/orders", """{"items":[{"product_id":"{product}","quantity":101}]}""", 400, "validation-failed", "items[0].quantity" },
        { "a product page of 101", "anonymous", "GET", "/api/v1/products?limit=101", null, 400, "validation-failed", "limit" },
        { "an order page of 1,000,000", "customer", "GET", "/api/v1/orders?limit=1000000", null, 400, "validation-failed", "limit" },
        { "a price over 10^12 đồng, which a full order would overflow", "manager", "POST", "/api/v1/products", """{"id":"{new}","name":"Yacht","price":1000000000001,"stock":1}""", 400, "validation-failed", "price" },
        { "a product name of 201 characters", "manager", "POST", "/api/v1/products", $$"""{"id":"{new}","name":"{{new string('n', 201)}}","price":1,"stock":1}""", 400, "validation-failed", "name" },
        { "a product id of 65 characters", "manager", "POST", "/api/v1/products", $$"""{"id":"{{new string('p', 65)}}","name":"Lamp","price":1,"stock":1}""", 400, "validation-failed", "id" },
        { "a stock adjustment reason of 201 characters", "manager", "POST", "/api/v1/products/{product}/stock-adjustments", $$"""{"delta":1,"reason":"{{new string('r', 201)}}"}""", 400, "validation-failed", "reason" },
        { "a search of 101 characters", "anonymous", "GET", $"/api/v1/products?q={new string('q', 101)}", null, 400, "validation-failed", "q" },
        { "a cursor of 2,000 characters", "anonymous", "GET", $"/api/v1/products?cursor={new string('c', 2_000)}", null, 400, "validation-failed", "cursor" },
        { "a coupon code of 65 characters", "customer", "POST", "/api/v1/orders", $$"""{"items":[{"product_id":"{product}","quantity":1}],"coupon_code":"{{new string('C', 65)}}"}""", 400, "validation-failed", "coupon_code" },
        { "a wallet reference of 65 characters", "customer", "POST", "/api/v1/wallets/{user}/debits", $$"""{"amount":1,"reference":"{{new string('r', 65)}}"}""", 400, "validation-failed", "reference" },
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task An_oversized_input_is_refused_and_writes_nothing(string description, string caller, string method, string path, string? body, int status, string type, string? field)
    {
        var user = Seed.UniqueId("greedy");
        var product = await Seed.ProductAsync(api.A, stock: 10);
        await Seed.CreditAsync(api.A, user, 1_000);
        string Expand(string text) => text.Replace("{user}", user, StringComparison.Ordinal).Replace("{product}", product, StringComparison.Ordinal)
            .Replace("{new}", Seed.UniqueId("p"), StringComparison.Ordinal);
        var before = await WrittenState.SnapshotAsync(api, user, product);
        var start = DateTimeOffset.UtcNow;
        using var client = api.B.ClientFor(caller switch { "customer" => Tokens.Customer(user), "manager" => Seed.Manager, _ => null });

        var reply = await client.SendAsync(new HttpMethod(method), Expand(path), body is null ? null : Expand(body), method == "POST" ? Api.NewKey() : null);

        ProblemAssert.Is(reply, (HttpStatusCode)status, type, field);
        Assert.True(before.SequenceEqual(await WrittenState.SnapshotAsync(api, user, product)), description);
        await WrittenState.AssertNothingCreatedSinceAsync(api, start);
    }

    [Fact]
    public async Task A_body_sent_without_a_length_is_cut_off_at_the_limit()
    {
        var user = Seed.UniqueId("stream");
        var start = DateTimeOffset.UtcNow;
        using var client = api.B.ClientFor(Tokens.Customer(user));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders")
        {
            Content = new StreamContent(new UnsizedJson(4 * Oversized)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("Idempotency-Key", Api.NewKey());

        var reply = await Reply.ReadAsync(await client.SendAsync(request));

        ProblemAssert.Is(reply, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        await WrittenState.AssertNothingCreatedSinceAsync(api, start);
    }

    [Fact]
    public async Task A_page_never_holds_more_than_100_items()
    {
        using var client = api.B.ClientFor(Seed.Admin);
        for (var i = 0; i < 3; i++)
        {
            await Seed.ProductAsync(api.A, stock: 1);
        }

        var page = await client.GetJsonAsync("/api/v1/products?limit=100");
        var first = await client.GetJsonAsync("/api/v1/products?limit=1");

        Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
        Assert.InRange(page.Json!["items"]!.AsArray().Count, 3, 100);
        Assert.Single(first.Json!["items"]!.AsArray());
        Assert.NotNull(first.Json["next_cursor"]?.GetValue<string>());
    }

    [Fact]
    public async Task A_request_id_over_128_characters_is_replaced_not_echoed()
    {
        using var client = api.B.ClientFor(null);
        using var request = Api.Request(HttpMethod.Get, "/api/v1/products/none-such");
        var sent = new string('r', 129);
        request.Headers.TryAddWithoutValidation("X-Request-Id", sent);

        var reply = await Reply.ReadAsync(await client.SendAsync(request));

        Assert.NotEqual(sent, reply.Header("X-Request-Id"));
        Assert.DoesNotContain(sent, reply.Body, StringComparison.Ordinal);
    }

    /// <summary>
    /// The dashboard's sign-in form is anonymous and read (for its antiforgery token) before anyone signs in: on Kestrel
    /// a form over the body limit is refused as it arrives instead of being buffered up to Kestrel's default 30 MB.
    /// </summary>
    [Fact]
    public async Task An_oversized_form_posted_to_the_dashboard_sign_in_is_refused_by_the_server()
    {
        await using var frontEnd = FrontEnd.Listening(api.ConnectionString);
        using var client = frontEnd.ClientFor(null);
        using var form = new StringContent("token=" + new string('t', 2 * 1024 * 1024), Encoding.ASCII, "application/x-www-form-urlencoded");

        var reply = await Reply.ReadAsync(await client.PostAsync(new Uri("/dashboard/sign-in", UriKind.Relative), form));

        ProblemAssert.Is(reply, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
    }

    /// <summary>
    /// '{"items":[' and then order lines up to <paramref name="size"/> bytes, from a stream that does not tell its length,
    /// so the client sends it chunked, without a Content-Length.
    /// </summary>
    private sealed class UnsizedJson(long size) : Stream
    {
        private static readonly byte[] s_start = Encoding.ASCII.GetBytes("{\"items\":[");
        private static readonly byte[] s_line = Encoding.ASCII.GetBytes("{\"product_id\":\"p\",\"quantity\":1},");
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var written = 0;
            while (written < count && _position < size)
            {
                var source = _position < s_start.Length ? s_start : s_line;
                var index = _position < s_start.Length ? (int)_position : (int)((_position - s_start.Length) % s_line.Length);
                buffer[offset + written++] = source[index];
                _position++;
            }

            return written;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
