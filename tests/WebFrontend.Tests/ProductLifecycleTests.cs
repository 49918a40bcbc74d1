using System.Net;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>Cases C8 and C19: conditional requests; an edit based on a stale read never overwrites a newer one.</summary>
[Collection(ApiCollection.Name)]
public sealed class ProductLifecycleTests(ApiCluster api)
{
    [Fact]
    public async Task Concurrent_puts_with_one_etag_give_one_200_and_one_412()
    {
        var product = await Seed.ProductAsync(api.A, stock: 5, price: 1000);
        using var reader = api.A.ClientFor(null);
        var etag = (await reader.GetJsonAsync($"/api/v1/products/{product}")).Header("ETag");
        Assert.Equal("\"1\"", etag);

        var replies = await Task.WhenAll(new[] { (api.A, 2000L), (api.B, 3000L) }.Select(async edit =>
        {
            using var client = edit.Item1.ClientFor(Seed.Manager);
            var request = Api.Request(HttpMethod.Put, $"/api/v1/products/{product}", Json.Of(new { name = $"Edited {edit.Item2}", price = edit.Item2 }));
            request.Headers.TryAddWithoutValidation("If-Match", etag);
            return await Reply.ReadAsync(await client.SendAsync(request));
        }));

        Assert.Single(replies, r => r.Status == HttpStatusCode.OK);
        var refused = Assert.Single(replies, r => r.Status == HttpStatusCode.PreconditionFailed);
        Assert.Equal("https://errors.example/precondition-failed", refused.ProblemType);
        var winner = replies.Single(r => r.Status == HttpStatusCode.OK);
        Assert.Equal("\"2\"", winner.Header("ETag"));
        Assert.Equal(winner.Json!["price"]!.GetValue<long>(), await api.ScalarAsync("SELECT price FROM products WHERE id = $1", product));
    }

    [Fact]
    public async Task A_get_after_a_put_on_the_other_front_end_is_fresh_and_if_none_match_is_304_only_while_unchanged()
    {
        var product = await Seed.ProductAsync(api.A, stock: 5, price: 1000);
        using var onA = api.A.ClientFor(null);
        using var onB = api.B.ClientFor(Seed.Manager);
        var first = await onA.GetJsonAsync($"/api/v1/products/{product}");
        var etag = first.Header("ETag")!;

        var unchanged = await Reply.ReadAsync(await onA.SendAsync(WithHeader(HttpMethod.Get, $"/api/v1/products/{product}", "If-None-Match", etag)));
        Assert.Equal(HttpStatusCode.NotModified, unchanged.Status);
        Assert.Equal("", unchanged.Body);

        var put = Api.Request(HttpMethod.Put, $"/api/v1/products/{product}", Json.Of(new { name = "Renamed", price = 1500 }));
        put.Headers.TryAddWithoutValidation("If-Match", etag);
        Assert.Equal(HttpStatusCode.OK, (await Reply.ReadAsync(await onB.SendAsync(put))).Status);

        var changed = await Reply.ReadAsync(await onA.SendAsync(WithHeader(HttpMethod.Get, $"/api/v1/products/{product}", "If-None-Match", etag)));
        Assert.Equal(HttpStatusCode.OK, changed.Status);
        Assert.Equal("Renamed", changed.Json!["name"]!.GetValue<string>());
        Assert.Equal(1500, changed.Json!["price"]!.GetValue<long>());
        Assert.Equal("\"2\"", changed.Header("ETag"));
    }

    [Fact]
    public async Task Stock_adjustments_never_take_stock_below_zero()
    {
        var product = await Seed.ProductAsync(api.A, stock: 3);
        using var client = api.B.ClientFor(Seed.Manager);

        var refused = await client.PostJsonAsync($"/api/v1/products/{product}/stock-adjustments", Json.Of(new { delta = -4, reason = "count" }), Api.NewKey());
        var applied = await client.PostJsonAsync($"/api/v1/products/{product}/stock-adjustments", Json.Of(new { delta = 7, reason = "delivery" }), Api.NewKey());

        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal("https://errors.example/insufficient-stock", refused.ProblemType);
        Assert.Equal(HttpStatusCode.OK, applied.Status);
        Assert.Equal(10, applied.Json!["stock_available"]!.GetValue<int>());
        Assert.Equal(10, await api.ScalarAsync("SELECT available FROM products WHERE id = $1", product));
    }

    private static HttpRequestMessage WithHeader(HttpMethod method, string path, string name, string value)
    {
        var request = Api.Request(method, path);
        request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }
}
