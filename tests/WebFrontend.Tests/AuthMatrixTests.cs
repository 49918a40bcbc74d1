using System.Net;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>
/// API.md "Auth" and "Roles and permissions": every /api/v1 endpoint against every kind of caller. A missing or invalid
/// token is a 401 with WWW-Authenticate on a protected endpoint, a role without the permission a 403, another
/// customer's order or wallet a 404 (its existence is not disclosed), anything else the endpoint's success. Each row
/// arranges its own product, order and wallet, and checks afterwards that a refused request changed nothing and an
/// accepted one did what it says.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AuthMatrixTests(ApiCluster api)
{
    private const string Unauthorized = "https://errors.example/unauthorized";
    private const string Forbidden = "https://errors.example/forbidden";
    private const string NotFound = "https://errors.example/not-found";

    private const int InitialStock = 10;
    private const long InitialBalance = 1_000;

    /// <summary>The callers of every row. The forged and expired tokens claim to be the admin: their role must not count.</summary>
    private static readonly string[] s_callers = ["none", "bad-signature", "expired", "owner", "other-customer", "staff", "manager", "admin"];

    /// <summary>
    /// What each signed-in caller gets, per endpoint, in the order owner, other customer, staff, manager, admin. "Owner"
    /// is the customer whose order or wallet the row is about (for products it is just a customer).
    /// </summary>
    private static readonly (string Endpoint, bool Public, int[] Signed)[] s_endpoints =
    [
        ("GET /products", true, [200, 200, 200, 200, 200]),
        ("GET /products/{id}", true, [200, 200, 200, 200, 200]),
        ("POST /products", false, [403, 403, 403, 201, 201]),
        ("PUT /products/{id}", false, [403, 403, 403, 200, 200]),
        ("POST /products/{id}/stock-adjustments", false, [403, 403, 403, 200, 200]),
        ("PUT /products/{id}/sale", false, [403, 403, 403, 200, 200]),
        ("POST /orders", false, [201, 201, 201, 201, 201]),
        ("GET /orders", false, [200, 200, 200, 200, 200]),
        ("GET /orders/{id}", false, [200, 404, 200, 200, 200]),
        ("POST /orders/{id}/cancel", false, [200, 404, 200, 200, 200]),

        // Staff and managers hold wallet:read:own and wallet:debit:own only: the owner's wallet is not theirs.
        ("GET /wallets/{user_id}", false, [200, 404, 404, 404, 200]),
        ("GET /wallets/{user_id}/entries", false, [200, 404, 404, 404, 200]),
        ("POST /wallets/{user_id}/credits", false, [403, 403, 403, 403, 200]),
        ("POST /wallets/{user_id}/debits", false, [200, 404, 404, 404, 200]),
        ("GET /cluster", false, [403, 403, 403, 403, 200]),

        // Exports are managers' (report:export) and admins' (also report:read); the job is the manager's, and has
        // ended before it is cancelled (a tiny export may complete at once), so a permitted cancel is a 409.
        ("POST /exports/orders", false, [403, 403, 403, 202, 202]),
        ("GET /exports/{id}", false, [403, 403, 403, 200, 200]),
        ("POST /exports/{id}/cancel", false, [403, 403, 403, 409, 409]),

        // Every signed-in user has a dashboard: their own, whoever's order the row placed.
        ("GET /me/dashboard", false, [200, 200, 200, 200, 200]),

        // Every role holds upload:create; reading anyone's upload is the admin's upload:read alone.
        ("POST /uploads", false, [201, 201, 201, 201, 201]),
        ("GET /uploads/{id}", false, [200, 404, 404, 404, 200]),
    ];

    public static TheoryData<string, string, int> Rows
    {
        get
        {
            var rows = new TheoryData<string, string, int>();
            foreach (var (endpoint, isPublic, signed) in s_endpoints)
            {
                foreach (var caller in s_callers)
                {
                    var index = Array.IndexOf(s_callers, caller);

                    // A public endpoint does not look at the token at all (see the report on invalid tokens there).
                    rows.Add(endpoint, caller, index < 3 ? (isPublic ? 200 : 401) : signed[index - 3]);
                }
            }

            return rows;
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Endpoint_answers_caller_as_documented(string endpoint, string caller, int expected)
    {
        var owner = Seed.UniqueId("owner");
        var target = await ArrangeAsync(endpoint, owner);
        using var client = api.B.ClientFor(TokenFor(caller, owner));

        var reply = await Reply.ReadAsync(await client.SendAsync(RequestFor(endpoint, target)));

        Assert.True((int)reply.Status == expected, $"{endpoint} as {caller}: expected {expected}, got {reply}");
        switch (expected)
        {
            case 401:
                AssertProblem(reply, Unauthorized);

                // RFC 6750 §3: the challenge names the scheme, and says so when a token was sent but is not valid.
                var challenge = reply.Response.Headers.WwwAuthenticate.ToString();
                Assert.StartsWith("Bearer", challenge, StringComparison.Ordinal);
                if (caller != "none")
                {
                    Assert.Contains("error=\"invalid_token\"", challenge, StringComparison.Ordinal);
                }

                break;
            case 403:
                AssertProblem(reply, Forbidden);
                break;
            case 404:
                AssertProblem(reply, NotFound);
                break;
        }

        await VerifyAsync(endpoint, caller, target, succeeded: expected is >= 200 and < 300, reply);
    }

    private static string? TokenFor(string caller, string owner) => caller switch
    {
        "none" => null,
        "bad-signature" => Tokens.BadSignature("admin", "admin"),
        "expired" => Tokens.Expired("admin", "admin"),
        "owner" => Tokens.Customer(owner),
        "other-customer" => Tokens.Customer(Seed.UniqueId("other")),
        "staff" => Seed.Staff,
        "manager" => Seed.Manager,
        "admin" => Seed.Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(caller), caller, null),
    };

    /// <summary>What a row acts on: its owner, and the product, order and new product id it needs.</summary>
    private sealed record Target(string Owner, string Product, string? ETag = null, string? Order = null, string? NewProduct = null, string? Export = null,
        string? Upload = null);

    private async Task<Target> ArrangeAsync(string endpoint, string owner)
    {
        var product = await Seed.ProductAsync(api.A, stock: InitialStock);
        switch (endpoint)
        {
            case "POST /products":
                return new Target(owner, product, NewProduct: Seed.UniqueId("p"));
            case "PUT /products/{id}" or "PUT /products/{id}/sale":
                using (var reader = api.A.ClientFor(null))
                {
                    var read = await reader.GetJsonAsync($"/api/v1/products/{product}");
                    Assert.True(read.Status == HttpStatusCode.OK, read.ToString());
                    return new Target(owner, product, ETag: read.Header("ETag"));
                }

            case "GET /orders" or "GET /orders/{id}" or "POST /orders/{id}/cancel" or "GET /me/dashboard":
                using (var customer = api.A.ClientFor(Tokens.Customer(owner)))
                {
                    var placed = await customer.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product), Api.NewKey());
                    Assert.True(placed.Status == HttpStatusCode.Created, placed.ToString());
                    return new Target(owner, product, Order: placed.Json!["id"]!.GetValue<string>());
                }

            case "GET /wallets/{user_id}" or "GET /wallets/{user_id}/entries" or "POST /wallets/{user_id}/credits" or "POST /wallets/{user_id}/debits":
                await Seed.CreditAsync(api.A, owner, InitialBalance);
                return new Target(owner, product);
            case "GET /exports/{id}" or "POST /exports/{id}/cancel":
                using (var manager = api.A.ClientFor(Seed.Manager))
                {
                    var started = await manager.PostJsonAsync("/api/v1/exports/orders", Json.Of(new { customer_id = owner }), Api.NewKey());
                    Assert.True(started.Status == HttpStatusCode.Accepted, started.ToString());
                    var export = started.Json!["id"]!.GetValue<string>();
                    if (endpoint == "POST /exports/{id}/cancel")
                    {
                        var cancelled = await manager.SendAsync(HttpMethod.Post, $"/api/v1/exports/{export}/cancel");
                        Assert.True(cancelled.Status is HttpStatusCode.OK or HttpStatusCode.Conflict, cancelled.ToString());
                    }

                    return new Target(owner, product, Export: export);
                }

            case "GET /uploads/{id}":
                using (var customer = api.A.ClientFor(Tokens.Customer(owner)))
                {
                    var created = await customer.PostJsonAsync("/api/v1/uploads", UploadBody(owner), Api.NewKey());
                    Assert.True(created.Status == HttpStatusCode.Created, created.ToString());
                    return new Target(owner, product, Upload: created.Json!["id"]!.GetValue<string>());
                }

            default:
                return new Target(owner, product);
        }
    }

    /// <summary>An upload's declaration, named after the row's owner so the row finds its upload (or its absence).</summary>
    private static string UploadBody(string owner) => Json.Of(new { file_name = $"{owner}.pdf", content_type = "application/pdf", size = 1_024 });

    private static HttpRequestMessage RequestFor(string endpoint, Target target)
    {
        var key = Api.NewKey();
        switch (endpoint)
        {
            case "GET /products":
                return Api.Request(HttpMethod.Get, $"/api/v1/products?q={target.Product}");
            case "GET /products/{id}":
                return Api.Request(HttpMethod.Get, $"/api/v1/products/{target.Product}");
            case "POST /products":
                return Api.Request(HttpMethod.Post, "/api/v1/products", Json.Of(new { id = target.NewProduct, name = "Lamp", price = 1_000, stock = 5 }), key);
            case "PUT /products/{id}":
                var update = Api.Request(HttpMethod.Put, $"/api/v1/products/{target.Product}", Json.Of(new { name = $"Renamed {target.Product}", price = 2_000 }));
                update.Headers.TryAddWithoutValidation("If-Match", target.ETag);
                return update;
            case "PUT /products/{id}/sale":
                var sale = Api.Request(HttpMethod.Put, $"/api/v1/products/{target.Product}/sale",
                    Json.Of(new { starts_at = "2031-01-01T12:00:00Z", ends_at = "2031-01-01T14:00:00Z", per_buyer_limit = 2, stock = 30 }));
                sale.Headers.TryAddWithoutValidation("If-Match", target.ETag);
                return sale;
            case "POST /products/{id}/stock-adjustments":
                return Api.Request(HttpMethod.Post, $"/api/v1/products/{target.Product}/stock-adjustments", Json.Of(new { delta = 5, reason = "restock" }), key);
            case "POST /orders":
                return Api.Request(HttpMethod.Post, "/api/v1/orders", Seed.OrderBody(target.Product), key);

            // customer_id asks for the owner's orders: what a customer gets is their own whatever it says.
            case "GET /orders":
                return Api.Request(HttpMethod.Get, $"/api/v1/orders?customer_id={target.Owner}");
            case "GET /orders/{id}":
                return Api.Request(HttpMethod.Get, $"/api/v1/orders/{target.Order}");

            // Cancel is not [idem]; the key is sent as any careful client would and must not matter.
            case "POST /orders/{id}/cancel":
                return Api.Request(HttpMethod.Post, $"/api/v1/orders/{target.Order}/cancel", idempotencyKey: key);
            case "GET /wallets/{user_id}":
                return Api.Request(HttpMethod.Get, $"/api/v1/wallets/{target.Owner}");
            case "GET /wallets/{user_id}/entries":
                return Api.Request(HttpMethod.Get, $"/api/v1/wallets/{target.Owner}/entries");
            case "POST /wallets/{user_id}/credits":
                return Api.Request(HttpMethod.Post, $"/api/v1/wallets/{target.Owner}/credits", Json.Of(new { amount = 500, reference = Seed.UniqueId("credit") }), key);
            case "POST /wallets/{user_id}/debits":
                return Api.Request(HttpMethod.Post, $"/api/v1/wallets/{target.Owner}/debits", Json.Of(new { amount = 300, reference = Seed.UniqueId("debit") }), key);
            case "GET /cluster":
                return Api.Request(HttpMethod.Get, "/api/v1/cluster");
            case "POST /exports/orders":
                return Api.Request(HttpMethod.Post, "/api/v1/exports/orders", Json.Of(new { customer_id = target.Owner }), key);
            case "GET /exports/{id}":
                return Api.Request(HttpMethod.Get, $"/api/v1/exports/{target.Export}");
            case "POST /exports/{id}/cancel":
                return Api.Request(HttpMethod.Post, $"/api/v1/exports/{target.Export}/cancel", idempotencyKey: key);
            case "GET /me/dashboard":
                return Api.Request(HttpMethod.Get, "/api/v1/me/dashboard");
            case "POST /uploads":
                return Api.Request(HttpMethod.Post, "/api/v1/uploads", UploadBody(target.Owner), key);
            case "GET /uploads/{id}":
                return Api.Request(HttpMethod.Get, $"/api/v1/uploads/{target.Upload}");
            default:
                throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, null);
        }
    }

    /// <summary>An accepted request did its work (so the status is not a fluke); a refused one left everything as it was.</summary>
    private async Task VerifyAsync(string endpoint, string caller, Target target, bool succeeded, Reply reply)
    {
        var available = await api.ScalarAsync("SELECT available FROM products WHERE id = $1", target.Product);
        switch (endpoint)
        {
            case "GET /products":
                Assert.Contains(reply.Json!["items"]!.AsArray(), item => item!["id"]!.GetValue<string>() == target.Product);
                break;
            case "GET /products/{id}":
                Assert.Equal(target.Product, reply.Json!["id"]!.GetValue<string>());
                break;
            case "POST /products":
                Assert.Equal(succeeded ? 1 : 0, await api.ScalarAsync("SELECT count(*) FROM products WHERE id = $1", target.NewProduct!));
                break;
            case "PUT /products/{id}":
                Assert.Equal(succeeded ? 1 : 0, await api.ScalarAsync("SELECT count(*) FROM products WHERE id = $1 AND name = $2", target.Product, $"Renamed {target.Product}"));
                break;
            case "POST /products/{id}/stock-adjustments":
                Assert.Equal(succeeded ? InitialStock + 5 : InitialStock, available);
                break;
            case "PUT /products/{id}/sale":
                Assert.Equal(succeeded ? 30 : InitialStock, available);
                Assert.Equal(succeeded ? 1 : 0, await api.ScalarAsync("SELECT count(*) FROM products WHERE id = $1 AND sale_per_buyer_limit = 2", target.Product));
                break;
            case "POST /orders":
                Assert.Equal(succeeded ? InitialStock - 1 : InitialStock, available);
                Assert.Equal(succeeded ? 1 : 0, await api.ScalarAsync("SELECT count(*) FROM product_holds WHERE product_id = $1", target.Product));
                break;
            case "GET /orders" when succeeded:
                // Staff and above see the owner's order; another customer sees only their own (none), not the owner's.
                var listed = reply.Json!["items"]!.AsArray().Any(item => item!["id"]!.GetValue<string>() == target.Order);
                Assert.Equal(caller != "other-customer", listed);
                break;
            case "GET /orders/{id}" when succeeded:
                Assert.Equal(target.Order, reply.Json!["id"]!.GetValue<string>());
                break;
            case "POST /orders/{id}/cancel":
                // Cancelling gives the ordered unit back; a refused cancel leaves it held.
                Assert.Equal(succeeded ? InitialStock : InitialStock - 1, available);
                if (succeeded)
                {
                    Assert.Equal("CANCELLED", reply.Json!["status"]!.GetValue<string>());
                }

                break;
            case "GET /wallets/{user_id}" when succeeded:
                Assert.Equal(InitialBalance, reply.Json!["balance"]!.GetValue<long>());
                break;
            case "GET /wallets/{user_id}/entries" when succeeded:
                Assert.Equal(InitialBalance, reply.Json!["items"]!.AsArray().Single()!["balance_after"]!.GetValue<long>());
                break;
            case "POST /wallets/{user_id}/credits":
                Assert.Equal(succeeded ? InitialBalance + 500 : InitialBalance, await api.ScalarAsync("SELECT balance FROM wallets WHERE user_id = $1", target.Owner));
                break;
            case "POST /wallets/{user_id}/debits":
                Assert.Equal(succeeded ? InitialBalance - 300 : InitialBalance, await api.ScalarAsync("SELECT balance FROM wallets WHERE user_id = $1", target.Owner));
                break;
            case "GET /cluster" when succeeded:
                Assert.NotEmpty(reply.Json!["silos"]!.AsArray());
                break;
            case "POST /exports/orders":
                // The job's state names the filter's customer, the row's own owner.
                Assert.Equal(succeeded ? 1 : 0, await api.ScalarAsync(
                    "SELECT count(*) FROM orleans_storage WHERE grain_type = 'exportJob' AND position($1 in convert_from(payload, 'UTF8')) > 0", target.Owner));
                break;
            case "GET /exports/{id}" when succeeded:
                Assert.Equal(target.Export, reply.Json!["id"]!.GetValue<string>());
                break;
            case "GET /me/dashboard" when succeeded:
                // The owner's dashboard shows their order; anyone else's is their own, without it.
                var user = reply.Json!["user"]!["id"]!.GetValue<string>();
                var recent = reply.Json["order_summary"]!["recent"]!.AsArray().Select(o => o!["id"]!.GetValue<string>());
                Assert.Equal(caller == "owner", user == target.Owner);
                Assert.Equal(caller == "owner" ? 1 : 0, recent.Count(id => id == target.Order));
                Assert.Empty(reply.Json["degraded"]!.AsArray());
                break;
            case "POST /uploads":
                // The caller's upload of the row's file; a refused request declared nothing.
                Assert.Equal(succeeded ? 1 : 0, await api.ScalarAsync("SELECT count(*) FROM uploads WHERE file_name = $1", $"{target.Owner}.pdf"));
                break;
            case "GET /uploads/{id}" when succeeded:
                Assert.Equal(target.Upload, reply.Json!["id"]!.GetValue<string>());
                Assert.Equal("PENDING_UPLOAD", reply.Json["status"]!.GetValue<string>());
                break;
        }
    }

    /// <summary>API.md "Conventions": errors are problem details with a stable type, the status and the request id.</summary>
    private static void AssertProblem(Reply reply, string type)
    {
        Assert.Equal("application/problem+json", reply.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(type, reply.ProblemType);
        Assert.Equal((int)reply.Status, reply.Json!["status"]!.GetValue<int>());
        var requestId = reply.Json["request_id"]?.GetValue<string>();
        Assert.False(string.IsNullOrEmpty(requestId), reply.ToString());
        Assert.Equal(reply.Header("X-Request-Id"), requestId);
    }
}
