using System.Net;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests.Security;

/// <summary>
/// OWASP API5:2023, broken function level authorization: a customer (and staff, and a manager where it is not theirs)
/// calling the catalog, stock, wallet-credit and cluster functions gets a 403 and changes nothing, however the call is
/// dressed up (a method-override header). The dashboard's own refusal of a customer's token is DashboardTests'.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class Api5FunctionLevelAuthorizationTests(ApiCluster api)
{
    /// <summary>Caller, method, path ({user}, {product}, {new}), body: every row is a function above the caller's role.</summary>
    public static TheoryData<string, string, string, string?> Attacks => new()
    {
        { "customer", "POST", "/api/v1/products", """{"id":"{new}","name":"Free lamp","price":0,"stock":1000}""" },
        { "customer", "PUT", "/api/v1/products/{product}", """{"name":"Cheap now","price":1}""" },
        { "customer", "POST", "/api/v1/products/{product}/stock-adjustments", """{"delta":1000,"reason":"mine"}""" },
        { "customer", "POST", "/api/v1/wallets/{user}/credits", """{"amount":1000000,"reference":"gift"}""" },
        { "customer", "GET", "/api/v1/cluster", null },
        { "staff", "POST", "/api/v1/products", """{"id":"{new}","name":"Free lamp","price":0,"stock":1000}""" },
        { "staff", "PUT", "/api/v1/products/{product}", """{"name":"Cheap now","price":1}""" },
        { "staff", "POST", "/api/v1/products/{product}/stock-adjustments", """{"delta":1000,"reason":"mine"}""" },
        { "staff", "POST", "/api/v1/wallets/{user}/credits", """{"amount":1000000,"reference":"gift"}""" },
        { "staff", "GET", "/api/v1/cluster", null },
        { "manager", "POST", "/api/v1/wallets/{user}/credits", """{"amount":1000000,"reference":"gift"}""" },
        { "manager", "GET", "/api/v1/cluster", null },
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task A_function_above_the_callers_role_is_forbidden_and_writes_nothing(string caller, string method, string path, string? body)
    {
        var user = Seed.UniqueId("climber");
        var product = await Seed.ProductAsync(api.A, stock: 10);
        await Seed.CreditAsync(api.A, user, 1_000);
        string Expand(string text) => text.Replace("{user}", user, StringComparison.Ordinal).Replace("{product}", product, StringComparison.Ordinal)
            .Replace("{new}", Seed.UniqueId("p"), StringComparison.Ordinal);
        var before = await WrittenState.SnapshotAsync(api, user, product);
        var start = DateTimeOffset.UtcNow;
        using var client = api.B.ClientFor(caller switch { "customer" => Tokens.Customer(user), "staff" => Seed.Staff, _ => Seed.Manager });
        using var request = Api.Request(new HttpMethod(method), Expand(path), body is null ? null : Expand(body), method == "GET" ? null : Api.NewKey());
        request.Headers.TryAddWithoutValidation("If-Match", "*");

        var reply = await Reply.ReadAsync(await client.SendAsync(request));

        ProblemAssert.Is(reply, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(before, await WrittenState.SnapshotAsync(api, user, product));
        await WrittenState.AssertNothingCreatedSinceAsync(api, start);
    }

    [Fact]
    public async Task A_method_override_header_does_not_turn_a_customers_post_into_a_managers_put()
    {
        var user = Seed.UniqueId("override");
        var product = await Seed.ProductAsync(api.A, stock: 10);
        var before = await WrittenState.SnapshotAsync(api, user, product);
        using var client = api.B.ClientFor(Tokens.Customer(user));
        using var request = Api.Request(HttpMethod.Post, $"/api/v1/products/{product}", """{"name":"Cheap now","price":1}""");
        request.Headers.TryAddWithoutValidation("X-HTTP-Method-Override", "PUT");
        request.Headers.TryAddWithoutValidation("X-HTTP-Method", "PUT");
        request.Headers.TryAddWithoutValidation("If-Match", "*");

        var reply = await Reply.ReadAsync(await client.SendAsync(request));

        ProblemAssert.Is(reply, HttpStatusCode.MethodNotAllowed, "method-not-allowed");
        Assert.Equal(before, await WrittenState.SnapshotAsync(api, user, product));
    }

    [Fact]
    public async Task A_customer_asking_for_every_customers_orders_gets_only_their_own()
    {
        var product = await Seed.ProductAsync(api.A, stock: 10);
        await Checkout.PlaceAsync(api.A, Seed.UniqueId("other"), product);
        var customer = Seed.UniqueId("lister");
        using var client = api.B.ClientFor(Tokens.Customer(customer));

        var list = await client.GetJsonAsync("/api/v1/orders?limit=100");

        Assert.True(list.Status == HttpStatusCode.OK, list.ToString());
        Assert.Empty(list.Json!["items"]!.AsArray());
    }
}
