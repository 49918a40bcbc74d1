using System.Net;
using System.Text.Json.Nodes;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests.Security;

/// <summary>
/// OWASP API3:2023, broken object property level authorization. Mass assignment: a client that adds the properties the
/// server owns (an order's status, total or customer, a line's price, a product's stock or version, a wallet's balance)
/// or sends a property twice is refused with the property named, and nothing is written. Excessive exposure: each
/// answer carries the documented properties and no others (no client address, holds or storage versions).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class Api3PropertyLevelAuthorizationTests(ApiCluster api)
{
    /// <summary>Description, caller, method, path ({user}, {product}), body, the property the refusal names.</summary>
    public static TheoryData<string, string, string, string, string, string> MassAssignments => new()
    {
        { "order that sets its own status", "customer", "POST", "/api/v1/orders", """{"items":[{"product_id":"{product}","quantity":1}],"status":"PAID"}""", "status" },
        { "order that sets its status in another case", "customer", "POST", "/api/v1/orders", """{"items":[{"product_id":"{product}","quantity":1}],"Status":"PAID"}""", "Status" },
        { "order for another customer", "customer", "POST", "/api/v1/orders", """{"items":[{"product_id":"{product}","quantity":1}],"customer_id":"someone-else"}""", "customer_id" },
        { "order that sets its total", "customer", "POST", "/api/v1/orders", """{"items":[{"product_id":"{product}","quantity":1}],"total":1}""", "total" },
        { "order that sets its discount", "customer", "POST", "/api/v1/orders", """{"items":[{"product_id":"{product}","quantity":1}],"discount":99999}""", "discount" },
        { "order that marks its payment paid", "customer", "POST", "/api/v1/orders", """{"items":[{"product_id":"{product}","quantity":1}],"payment":{"status":"SUCCEEDED"}}""", "payment" },
        { "order line that sets its unit price", "customer", "POST", "/api/v1/orders", """{"items":[{"product_id":"{product}","quantity":1,"unit_price":1}]}""", "items[0].unit_price" },
        { "order line that sets its line total", "customer", "POST", "/api/v1/orders", """{"items":[{"product_id":"{product}","quantity":1,"line_total":1}]}""", "items[0].line_total" },
        { "order whose items are given twice, the second much larger", "customer", "POST", "/api/v1/orders", """{"items":[{"product_id":"{product}","quantity":1}],"items":[{"product_id":"{product}","quantity":100}]}""", "items" },
        { "order line whose quantity is given twice", "customer", "POST", "/api/v1/orders", """{"items":[{"product_id":"{product}","quantity":1,"quantity":100}]}""", "items[0].quantity" },
        { "debit that sets the balance", "customer", "POST", "/api/v1/wallets/{user}/debits", """{"amount":1,"reference":"r-1","balance":1000000}""", "balance" },
        { "debit from another user's wallet by body", "customer", "POST", "/api/v1/wallets/{user}/debits", """{"amount":1,"reference":"r-1","user_id":"someone-else"}""", "user_id" },
        { "debit whose amount is given twice, the second smaller", "customer", "POST", "/api/v1/wallets/{user}/debits", """{"amount":900,"reference":"r-1","amount":1}""", "amount" },
        { "product created with its stock as shown", "manager", "POST", "/api/v1/products", """{"id":"{new}","name":"Lamp","price":1000,"stock":1,"stock_available":1000000}""", "stock_available" },
        { "product created at a version", "manager", "POST", "/api/v1/products", """{"id":"{new}","name":"Lamp","price":1000,"stock":1,"version":99}""", "version" },
        { "product created with its price given twice", "manager", "POST", "/api/v1/products", """{"id":"{new}","name":"Lamp","price":1000,"stock":1,"price":0}""", "price" },
        { "stock adjustment that sets the stock", "manager", "POST", "/api/v1/products/{product}/stock-adjustments", """{"delta":1,"reason":"count","stock_available":1000000}""", "stock_available" },
        { "sale that sets what a buyer already bought", "manager", "PUT", "/api/v1/products/{product}/sale", """{"starts_at":"2031-01-01T12:00:00Z","ends_at":"2031-01-01T14:00:00Z","stock":5,"buyer_units":{}}""", "buyer_units" },
    };

    [Theory]
    [MemberData(nameof(MassAssignments))]
    public async Task Mass_assignment_of_a_server_owned_property_is_refused_and_writes_nothing(string description, string caller, string method, string path, string body, string field)
    {
        var user = Seed.UniqueId("mass");
        var product = await Seed.ProductAsync(api.A, stock: 10, price: 50_000);
        await Seed.CreditAsync(api.A, user, 1_000);
        string Expand(string text) => text.Replace("{user}", user, StringComparison.Ordinal).Replace("{product}", product, StringComparison.Ordinal)
            .Replace("{new}", Seed.UniqueId("p"), StringComparison.Ordinal);
        var before = await WrittenState.SnapshotAsync(api, user, product);
        var start = DateTimeOffset.UtcNow;
        using var client = api.B.ClientFor(caller == "customer" ? Tokens.Customer(user) : Seed.Manager);

        var reply = await client.SendAsync(new HttpMethod(method), Expand(path), Expand(body), Api.NewKey());

        ProblemAssert.Is(reply, HttpStatusCode.BadRequest, "validation-failed", field);
        Assert.True(before.SequenceEqual(await WrittenState.SnapshotAsync(api, user, product)), description);
        await WrittenState.AssertNothingCreatedSinceAsync(api, start);
    }

    [Fact]
    public async Task A_product_update_cannot_set_stock_id_or_version()
    {
        var product = await Seed.ProductAsync(api.A, stock: 10);
        using var manager = api.B.ClientFor(Seed.Manager);
        var etag = (await manager.GetJsonAsync($"/api/v1/products/{product}")).Header("ETag");
        var before = await WrittenState.SnapshotAsync(api, "", product);

        foreach (var (field, body) in new[]
        {
            ("stock", """{"name":"Lamp","price":1000,"stock":1000000}"""),
            ("id", """{"name":"Lamp","price":1000,"id":"another-product"}"""),
            ("version", """{"name":"Lamp","price":1000,"version":1}"""),
        })
        {
            using var request = Api.Request(HttpMethod.Put, $"/api/v1/products/{product}", body);
            request.Headers.TryAddWithoutValidation("If-Match", etag);
            ProblemAssert.Is(await Reply.ReadAsync(await manager.SendAsync(request)), HttpStatusCode.BadRequest, "validation-failed", field);
        }

        Assert.Equal(before, await WrittenState.SnapshotAsync(api, "", product));
    }

    [Fact]
    public async Task Answers_expose_the_documented_properties_and_nothing_more()
    {
        var customer = Seed.UniqueId("exposed");
        var product = await Seed.ProductAsync(api.A, stock: 10);
        await Seed.CreditAsync(api.A, customer, 1_000);
        var order = await Checkout.PlaceAsync(api.A, customer, product);
        using var anonymous = api.B.ClientFor(null);
        using var client = api.B.ClientFor(Tokens.Customer(customer));

        var productReply = (await anonymous.GetJsonAsync($"/api/v1/products/{product}")).Json!.AsObject();
        var productList = (await anonymous.GetJsonAsync($"/api/v1/products?q={product}")).Json!["items"]![0]!.AsObject();
        var orderReply = (await client.GetJsonAsync($"/api/v1/orders/{order.OrderId}")).Json!.AsObject();
        var orderList = (await client.GetJsonAsync("/api/v1/orders")).Json!["items"]![0]!.AsObject();
        var wallet = (await client.GetJsonAsync($"/api/v1/wallets/{customer}")).Json!.AsObject();

        AssertProperties(productReply, "id", "name", "price", "stock_available", "version", "created_at", "updated_at", "sale");
        AssertProperties(productList, "id", "name", "price", "stock_available", "version");
        AssertProperties(orderReply, "id", "customer_id", "customer_name", "status", "items", "subtotal", "discount", "total", "currency", "coupon_code",
            "created_at", "expires_at", "version", "payment");
        AssertProperties(orderReply["items"]![0]!.AsObject(), "product_id", "product_name", "quantity", "unit_price", "line_total");
        AssertProperties(orderReply["payment"]!.AsObject(), "id", "status", "pay_url", "paid_at");
        AssertProperties(orderList, "id", "customer_id", "customer_name", "status", "total", "item_count", "created_at");
        AssertProperties(wallet, "user_id", "balance", "currency", "version");
    }

    private static void AssertProperties(JsonObject json, params string[] expected)
        => Assert.Equal(expected.Order(StringComparer.Ordinal), json.Select(p => p.Key).Order(StringComparer.Ordinal));
}
