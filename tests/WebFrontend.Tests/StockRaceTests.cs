using System.Net;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>Case C4: concurrent buyers never oversell; every product's stock is decided by its one grain.</summary>
[Collection(ApiCollection.Name)]
public sealed class StockRaceTests(ApiCluster api)
{
    [Fact]
    public async Task The_last_unit_goes_to_exactly_one_of_1000_concurrent_buyers()
    {
        var product = await Seed.ProductAsync(api.A, stock: 1);
        var replies = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async i =>
        {
            using var client = (i % 2 == 0 ? api.A : api.B).ClientFor(Tokens.Customer($"last-unit-{i}"));
            return await client.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product), Api.NewKey());
        }));

        Assert.Equal(1, replies.Count(r => r.Status == HttpStatusCode.Created));
        Assert.All(replies.Where(r => r.Status != HttpStatusCode.Created), r =>
        {
            Assert.Equal(HttpStatusCode.Conflict, r.Status);
            Assert.Equal("https://errors.example/out-of-stock", r.ProblemType);
        });
        Assert.Equal(0, await api.ScalarAsync("SELECT available FROM products WHERE id = $1", product));
        Assert.Equal(1, await api.ScalarAsync("SELECT count(*) FROM product_holds WHERE product_id = $1", product));
        Assert.Equal(1, await api.ScalarAsync("SELECT count(*) FROM order_items WHERE product_id = $1", product));
    }

    [Fact]
    public async Task A_thousand_units_go_to_exactly_a_thousand_of_5000_buyers_on_two_front_ends()
    {
        var product = await Seed.ProductAsync(api.A, stock: 1000);
        using var throttle = new SemaphoreSlim(256);
        var replies = await Task.WhenAll(Enumerable.Range(0, 5000).Select(async i =>
        {
            await throttle.WaitAsync();
            try
            {
                using var client = (i % 2 == 0 ? api.A : api.B).ClientFor(Tokens.Customer($"flash-{i}"));
                return await client.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product), Api.NewKey());
            }
            finally
            {
                throttle.Release();
            }
        }));

        Assert.Equal(1000, replies.Count(r => r.Status == HttpStatusCode.Created));
        Assert.Equal(4000, replies.Count(r => r.Status == HttpStatusCode.Conflict && r.ProblemType == "https://errors.example/out-of-stock"));
        using var reader = api.A.ClientFor(null);
        var details = await reader.GetJsonAsync($"/api/v1/products/{product}");
        Assert.Equal(0, details.Json!["stock_available"]!.GetValue<int>());
        Assert.Equal(0, await api.ScalarAsync("SELECT available FROM products WHERE id = $1", product));
        Assert.Equal(1000, await api.ScalarAsync("SELECT coalesce(sum(quantity), 0) FROM product_holds WHERE product_id = $1", product));
        Assert.Equal(1000, await api.ScalarAsync("SELECT count(*) FROM order_items WHERE product_id = $1", product));
    }
}
