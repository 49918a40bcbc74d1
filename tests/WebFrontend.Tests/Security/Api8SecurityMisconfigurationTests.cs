using System.Net;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests.Security;

/// <summary>
/// OWASP API8:2023, security misconfiguration: the security headers on every kind of answer, no CORS (no origin is
/// allowed to read the API from a browser), no stack trace or exception in an error even in Development, no server
/// banner, and no Swagger UI outside Development. Secrets committed for development stopping a production start is
/// ProductionDefaultsTests'.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class Api8SecurityMisconfigurationTests(ApiCluster api)
{
    /// <summary>Caller, method, path: a success, our problems, the framework's own 404 and 405, the OpenAPI document.</summary>
    public static TheoryData<string, string, string> Responses => new()
    {
        { "anonymous", "GET", "/api/v1/products" },
        { "anonymous", "GET", "/api/v1/products/none-such" },
        { "anonymous", "GET", "/api/v1/orders" },
        { "customer", "GET", "/api/v1/cluster" },
        { "customer", "GET", "/api/v1/orders?colour=red" },
        { "anonymous", "GET", "/api/v1/no-such-route" },
        { "anonymous", "DELETE", "/api/v1/products" },
        { "anonymous", "GET", "/openapi/v1.json" },
        { "anonymous", "GET", "/health/live" },
        { "anonymous", "GET", "/metrics" },
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public async Task Every_answer_forbids_sniffing_framing_and_caching(string caller, string method, string path)
    {
        using var client = api.B.ClientFor(caller == "customer" ? Tokens.Customer(Seed.UniqueId("headers")) : null);

        var reply = await client.SendAsync(new HttpMethod(method), path);

        Assert.Equal("nosniff", reply.Header("X-Content-Type-Options"));
        Assert.Equal("DENY", reply.Header("X-Frame-Options"));
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", reply.Header("Content-Security-Policy"));
        Assert.Contains("no-store", reply.Header("Cache-Control") ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_over_https_tells_browsers_to_stay_on_https()
    {
        using var client = api.B.ClientFor(null);
        client.BaseAddress = new Uri("https://shop.example/");

        var secure = await client.SendAsync(HttpMethod.Get, "/api/v1/products");
        var plain = await client.SendAsync(HttpMethod.Get, "http://shop.example/api/v1/products");

        Assert.True(secure.Status == HttpStatusCode.OK, secure.ToString());
        Assert.Equal("max-age=2592000", secure.Header("Strict-Transport-Security"));
        Assert.Null(plain.Header("Strict-Transport-Security"));
    }

    [Fact]
    public async Task A_cross_origin_caller_is_granted_nothing()
    {
        using var client = api.B.ClientFor(Tokens.Customer(Seed.UniqueId("cors")));
        using var preflight = Api.Request(HttpMethod.Options, "/api/v1/orders");
        preflight.Headers.TryAddWithoutValidation("Origin", "https://evil.example");
        preflight.Headers.TryAddWithoutValidation("Access-Control-Request-Method", "POST");
        preflight.Headers.TryAddWithoutValidation("Access-Control-Request-Headers", "authorization, content-type, idempotency-key");
        using var read = Api.Request(HttpMethod.Get, "/api/v1/orders");
        read.Headers.TryAddWithoutValidation("Origin", "https://evil.example");

        var preflightReply = await Reply.ReadAsync(await client.SendAsync(preflight));
        var readReply = await Reply.ReadAsync(await client.SendAsync(read));

        ProblemAssert.Is(preflightReply, HttpStatusCode.MethodNotAllowed, "method-not-allowed");
        foreach (var reply in new[] { preflightReply, readReply })
        {
            Assert.DoesNotContain(reply.Response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>
    /// An order row the grain never wrote (a status no version of the code knows) makes the list fail unexpectedly: the
    /// answer is a bare 500 problem, in Development too, where the framework's developer page would show the exception.
    /// </summary>
    [Theory]
    [InlineData("Testing")]
    [InlineData("Development")]
    public async Task An_unexpected_error_shows_no_stack_trace_or_exception(string environment)
    {
        var customer = Seed.UniqueId("broken");
        var orderId = "ord_" + Guid.NewGuid().ToString("N");
        await api.ScalarAsync("WITH c AS (INSERT INTO customers (id, name) VALUES ($1, 'Broken') RETURNING 1) SELECT count(*) FROM c", customer);
        await api.ScalarAsync(
            "WITH o AS (INSERT INTO orders (id, customer_id, status, subtotal, discount, total, currency, item_count, created_at, expires_at, updated_at, version, etag) "
            + "VALUES ($1, $2, 'NO_SUCH_STATUS', 1, 0, 1, 'VND', 1, now(), now(), now(), 1, 1) RETURNING 1) SELECT count(*) FROM o", orderId, customer);
        try
        {
            await using var frontEnd = new FrontEnd(api.ConnectionString, environment: environment);
            await frontEnd.ConnectedAsync();
            using var client = frontEnd.ClientFor(Tokens.Customer(customer));
            using var request = Api.Request(HttpMethod.Get, "/api/v1/orders");
            request.Headers.TryAddWithoutValidation("Accept", "text/html, application/json");

            var reply = await Reply.ReadAsync(await client.SendAsync(request));

            ProblemAssert.Is(reply, HttpStatusCode.InternalServerError, "internal-error");
            var problemMembers = new[] { "type", "title", "status", "detail", "instance", "request_id", "trace_id", "traceId" };
            Assert.All(reply.Json!.AsObject(), member => Assert.Contains(member.Key, problemMembers));
            foreach (var leak in new[] { "Exception", "   at ", ".cs:line", "NO_SUCH_STATUS", "Npgsql", "Grains." })
            {
                Assert.DoesNotContain(leak, reply.Body, StringComparison.Ordinal);
            }
        }
        finally
        {
            await api.ScalarAsync("WITH o AS (DELETE FROM orders WHERE id = $1 RETURNING 1) SELECT count(*) FROM o", orderId);
            await api.ScalarAsync("WITH c AS (DELETE FROM customers WHERE id = $1 RETURNING 1) SELECT count(*) FROM c", customer);
        }
    }

    [Fact]
    public async Task A_front_end_on_kestrel_names_no_server_software()
    {
        await using var frontEnd = FrontEnd.Listening(api.ConnectionString);
        using var client = frontEnd.ClientFor(null);

        var reply = await client.SendAsync(HttpMethod.Get, "/health/live");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Null(reply.Header("Server"));
        Assert.Null(reply.Header("X-Powered-By"));
    }

    [Fact]
    public async Task Swagger_ui_is_not_served_outside_development()
    {
        using var client = api.B.ClientFor(null);

        var reply = await client.SendAsync(HttpMethod.Get, "/swagger/index.html");

        ProblemAssert.Is(reply, HttpStatusCode.NotFound, "not-found");
    }
}
