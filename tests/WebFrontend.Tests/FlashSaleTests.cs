using System.Globalization;
using System.Net;
using Commerce.Testing;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>
/// Case C17: a flash sale's window, stock and per-buyer limit hold over HTTP, with two front ends and two silos on
/// PostgreSQL, whatever the buyers send at once and however often they retry.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class FlashSaleTests(ApiCluster api)
{
    private static string Rfc3339(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Puts a new product on a sale through the API, as a manager does, and answers its id.</summary>
    private async Task<string> SaleAsync(DateTimeOffset startsAt, DateTimeOffset endsAt, int stock, int? perBuyerLimit = null)
    {
        var product = await Seed.ProductAsync(api.A, stock: 0);
        var reply = await PutSaleAsync(product, "\"1\"", Json.Of(new { starts_at = Rfc3339(startsAt), ends_at = Rfc3339(endsAt), per_buyer_limit = perBuyerLimit, stock }));
        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
        return product;
    }

    private async Task<Reply> PutSaleAsync(string product, string? etag, string body)
    {
        using var client = api.B.ClientFor(Seed.Manager);
        var request = Api.Request(HttpMethod.Put, $"/api/v1/products/{product}/sale", body);
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        return await Reply.ReadAsync(await client.SendAsync(request));
    }

    private static async Task<Reply> OrderAsync(FrontEnd frontEnd, string customer, string product, string key, int quantity = 1)
    {
        using var client = frontEnd.ClientFor(Tokens.Customer(customer));
        return await client.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product, quantity), key);
    }

    [Fact]
    public async Task A_manager_sets_a_sale_with_if_match_and_the_product_shows_it()
    {
        var product = await Seed.ProductAsync(api.A, stock: 7);
        var startsAt = new DateTimeOffset(2031, 1, 1, 12, 0, 0, TimeSpan.FromHours(7));

        var set = await PutSaleAsync(product, "\"1\"", Json.Of(new { starts_at = "2031-01-01T12:00:00+07:00", ends_at = "2031-01-01T14:00:00+07:00", stock = 500 }));

        Assert.Equal(HttpStatusCode.OK, set.Status);
        Assert.Equal("\"2\"", set.Header("ETag"));
        using var reader = api.A.ClientFor(null);
        var read = await reader.GetJsonAsync($"/api/v1/products/{product}");
        Assert.Equal(500, read.Json!["stock_available"]!.GetValue<int>());
        Assert.Equal("""{"starts_at":"2031-01-01T05:00:00Z","ends_at":"2031-01-01T07:00:00Z","per_buyer_limit":1,"stock":500}""", read.Json["sale"]!.ToJsonString());
        Assert.Equal(1, await api.ScalarAsync(
            "SELECT count(*) FROM products WHERE id = $1 AND sale_starts_at = $2 AND sale_ends_at = $3 AND sale_per_buyer_limit = 1 AND sale_stock = 500",
            product, startsAt.ToUniversalTime(), startsAt.AddHours(2).ToUniversalTime()));

        var stale = await PutSaleAsync(product, "\"1\"", Json.Of(new { starts_at = "2031-01-01T12:00:00Z", ends_at = "2031-01-01T14:00:00Z", stock = 1 }));
        Assert.Equal((HttpStatusCode.PreconditionFailed, "https://errors.example/precondition-failed"), (stale.Status, stale.ProblemType));
        var unconditional = await PutSaleAsync(product, null, Json.Of(new { starts_at = "2031-01-01T12:00:00Z", ends_at = "2031-01-01T14:00:00Z", stock = 1 }));
        Assert.Equal((HttpStatusCode.PreconditionRequired, "https://errors.example/precondition-required"), (unconditional.Status, unconditional.ProblemType));
        Assert.Equal(500, await api.ScalarAsync("SELECT available FROM products WHERE id = $1", product));
    }

    [Theory]
    [InlineData("""{"ends_at":"2031-01-01T14:00:00Z","stock":5}""", "starts_at")]
    [InlineData("""{"starts_at":"2031-01-01 12:00","ends_at":"2031-01-01T14:00:00Z","stock":5}""", "starts_at")]
    [InlineData("""{"starts_at":"2031-01-01T14:00:00Z","ends_at":"2031-01-01T14:00:00Z","stock":5}""", "ends_at")]
    [InlineData("""{"starts_at":"2031-01-01T12:00:00Z","ends_at":"2031-01-01T14:00:00Z","per_buyer_limit":0,"stock":5}""", "per_buyer_limit")]
    [InlineData("""{"starts_at":"2031-01-01T12:00:00Z","ends_at":"2031-01-01T14:00:00Z","per_buyer_limit":10001,"stock":5}""", "per_buyer_limit")]
    [InlineData("""{"starts_at":"2031-01-01T12:00:00Z","ends_at":"2031-01-01T14:00:00Z"}""", "stock")]
    [InlineData("""{"starts_at":"2031-01-01T12:00:00Z","ends_at":"2031-01-01T14:00:00Z","stock":-1}""", "stock")]
    public async Task An_invalid_sale_is_refused_field_by_field_and_changes_nothing(string body, string field)
    {
        var product = await Seed.ProductAsync(api.A, stock: 7);

        var refused = await PutSaleAsync(product, "\"1\"", body);

        Assert.Equal((HttpStatusCode.BadRequest, "https://errors.example/validation-failed"), (refused.Status, refused.ProblemType));
        Assert.Equal([field], refused.Json!["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(1, await api.ScalarAsync("SELECT count(*) FROM products WHERE id = $1 AND available = 7 AND version = 1 AND sale_stock IS NULL", product));
    }

    [Fact]
    public async Task A_sale_set_after_a_front_end_saw_the_product_without_one_is_enforced_all_the_same()
    {
        // Front end A places an order, and so remembers the product as one without a sale: it no longer asks it.
        var product = await Seed.ProductAsync(api.A, stock: 10);
        Assert.Equal(HttpStatusCode.Created, (await OrderAsync(api.A, Seed.UniqueId("before-sale"), product, Api.NewKey())).Status);
        using (var reader = api.B.ClientFor(null))
        {
            var etag = (await reader.GetJsonAsync($"/api/v1/products/{product}")).Header("ETag");
            var startsAt = DateTimeOffset.UtcNow.AddHours(1);
            var set = await PutSaleAsync(product, etag, Json.Of(new { starts_at = Rfc3339(startsAt), ends_at = Rfc3339(startsAt.AddHours(1)), stock = 5 }));
            Assert.True(set.Status == HttpStatusCode.OK, set.ToString());
        }

        var early = await OrderAsync(api.A, Seed.UniqueId("early"), product, Api.NewKey());

        Assert.Equal((HttpStatusCode.Conflict, "https://errors.example/sale-not-started"), (early.Status, early.ProblemType));
        Assert.NotNull(early.Header("Retry-After"));
        Assert.Equal(1, await api.ScalarAsync("SELECT count(*) FROM order_items WHERE product_id = $1", product));
    }

    [Fact]
    public async Task Before_the_start_an_order_is_409_sale_not_started_with_retry_after_and_nothing_is_written()
    {
        var startsAt = DateTimeOffset.UtcNow.AddHours(1);
        var product = await SaleAsync(startsAt, startsAt.AddHours(1), stock: 10);
        var key = Api.NewKey();

        var early = await OrderAsync(api.A, "early-bird", product, key);

        Assert.Equal((HttpStatusCode.Conflict, "https://errors.example/sale-not-started"), (early.Status, early.ProblemType));
        Assert.Equal([product], early.Json!["product_ids"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.InRange(int.Parse(early.Header("Retry-After")!, CultureInfo.InvariantCulture), 3_500, 3_600);
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM orders WHERE customer_id = 'early-bird'"));
        Assert.Equal(10, await api.ScalarAsync("SELECT available FROM products WHERE id = $1", product));
    }

    [Fact]
    public async Task After_the_end_an_order_is_409_sale_ended()
    {
        var product = await SaleAsync(DateTimeOffset.UtcNow.AddHours(-2), DateTimeOffset.UtcNow.AddMinutes(-1), stock: 10);

        var late = await OrderAsync(api.B, "late-comer", product, Api.NewKey());

        Assert.Equal((HttpStatusCode.Conflict, "https://errors.example/sale-ended"), (late.Status, late.ProblemType));
        Assert.Equal(10, await api.ScalarAsync("SELECT available FROM products WHERE id = $1", product));
    }

    [Fact]
    public async Task Buyers_sending_many_orders_at_once_each_twice_on_two_front_ends_get_no_more_than_the_limit_and_the_stock_sells_exactly()
    {
        const int Stock = 100, Limit = 2, Buyers = 150, OrdersEach = 3;
        var product = await SaleAsync(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1), Stock, Limit);
        var attempts = Enumerable.Range(0, Buyers)
            .SelectMany(b => Enumerable.Range(0, OrdersEach).Select(o => (Buyer: $"sale-buyer-{b}", Key: $"{product}-{b}-{o}")))
            .ToList();
        using var throttle = new SemaphoreSlim(128);

        // Every order is sent twice at once, once to each front end: a client retrying before its first answer came.
        var replies = await Task.WhenAll(attempts.SelectMany(a => new[] { api.A, api.B }.Select(async frontEnd =>
        {
            await throttle.WaitAsync();
            try
            {
                return (a.Buyer, a.Key, Reply: await OrderAsync(frontEnd, a.Buyer, product, a.Key));
            }
            finally
            {
                throttle.Release();
            }
        })));

        Assert.All(replies, r => Assert.True(
            r.Reply.Status == HttpStatusCode.Created
            || (r.Reply.Status == HttpStatusCode.Conflict && r.Reply.ProblemType is "https://errors.example/out-of-stock"
                or "https://errors.example/purchase-limit-reached"),
            r.Reply.ToString()));
        var placed = replies.Where(r => r.Reply.Status == HttpStatusCode.Created).Select(r => r.Reply.Json!["id"]!.GetValue<string>()).Distinct().ToList();
        Assert.Equal(Stock, placed.Count);
        Assert.Equal(Stock, await api.ScalarAsync("SELECT count(*) FROM order_items WHERE product_id = $1", product));
        Assert.Equal(0, await api.ScalarAsync("SELECT available FROM products WHERE id = $1", product));
        Assert.Equal(Stock, await api.ScalarAsync("SELECT coalesce(sum(quantity), 0) FROM product_holds WHERE product_id = $1", product));
        Assert.Equal(0, await api.ScalarAsync(
            "SELECT count(*) FROM (SELECT o.customer_id FROM orders o JOIN order_items i ON i.order_id = o.id WHERE i.product_id = $1 GROUP BY o.customer_id HAVING sum(i.quantity) > $2) AS over_limit",
            product, Limit));
        Assert.Equal(Stock, await api.ScalarAsync("SELECT coalesce(sum(units), 0) FROM product_sale_buyers WHERE product_id = $1", product));

        // Retried once more, later: a placed order answers itself again, a refused one is refused again.
        var retried = await Task.WhenAll(replies.Where((_, i) => i % 2 == 0).Select(async r => (r.Reply, Again: await OrderAsync(api.B, r.Buyer, product, r.Key))));
        Assert.All(retried, r => Assert.Equal(
            r.Reply.Status == HttpStatusCode.Created || placed.Contains(r.Again.Json?["id"]?.GetValue<string>() ?? "") ? HttpStatusCode.Created : HttpStatusCode.Conflict,
            r.Again.Status));
        Assert.Equal(Stock, await api.ScalarAsync("SELECT count(*) FROM order_items WHERE product_id = $1", product));

        // Sold out, a newcomer is turned away by the product's memory, and nothing is written for them.
        var newcomer = await OrderAsync(api.A, "sale-newcomer", product, Api.NewKey());
        Assert.Equal((HttpStatusCode.Conflict, "https://errors.example/out-of-stock"), (newcomer.Status, newcomer.ProblemType));
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM orders WHERE customer_id = 'sale-newcomer'"));
    }

    [Fact]
    public async Task A_buyers_count_survives_the_product_leaving_memory()
    {
        var product = await SaleAsync(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1), stock: 10, perBuyerLimit: 2);
        Assert.Equal(HttpStatusCode.Created, (await OrderAsync(api.A, "durable-buyer", product, Api.NewKey(), quantity: 2)).Status);

        foreach (var silo in api.Silos)
        {
            await silo.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        }

        var again = await OrderAsync(api.B, "durable-buyer", product, Api.NewKey());
        Assert.Equal((HttpStatusCode.Conflict, "https://errors.example/purchase-limit-reached"), (again.Status, again.ProblemType));
        Assert.Equal(HttpStatusCode.Created, (await OrderAsync(api.B, "other-buyer", product, Api.NewKey())).Status);
        Assert.Equal(7, await api.ScalarAsync("SELECT available FROM products WHERE id = $1", product));
    }
}
