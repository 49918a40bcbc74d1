using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using WebFrontend.Hosting;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>Cases C1 and C6: keyset pages that neither repeat nor skip, in one SQL statement with names and counts.</summary>
[Collection(ApiCollection.Name)]
public sealed class OrderListTests(ApiCluster api)
{
    [Fact]
    public async Task Paging_while_orders_are_inserted_neither_repeats_nor_skips()
    {
        var product = await Seed.ProductAsync(api.A, stock: 1_000);
        var customer = Seed.UniqueId("list");
        var token = Tokens.Customer(customer);
        var existing = await PlaceOrdersAsync(api.A, token, product, 60);

        using var client = api.B.ClientFor(token);
        using var stop = new CancellationTokenSource();
        var inserting = Task.Run(async () =>
        {
            using var writer = api.A.ClientFor(token);
            while (!stop.IsCancellationRequested)
            {
                Assert.Equal(HttpStatusCode.Created, (await writer.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product), Api.NewKey())).Status);
            }
        });

        var seen = new List<(string Id, DateTime CreatedAt)>();
        string? cursor = null;
        do
        {
            var page = await client.GetJsonAsync($"/api/v1/orders?limit=7{(cursor is null ? "" : $"&cursor={cursor}")}");
            Assert.Equal(HttpStatusCode.OK, page.Status);
            seen.AddRange(page.Json!["items"]!.AsArray().Select(item => (item!["id"]!.GetValue<string>(), item["created_at"]!.GetValue<DateTime>())));
            cursor = page.Json["next_cursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        await stop.CancelAsync();
        await inserting;

        Assert.Equal(seen.Count, seen.Select(s => s.Id).Distinct().Count());
        Assert.Subset(seen.Select(s => s.Id).ToHashSet(), existing.ToHashSet());
        var ordered = seen.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id, StringComparer.Ordinal).ToList();
        Assert.Equal(ordered, seen);
    }

    [Fact]
    public async Task A_page_of_100_orders_with_names_and_item_counts_costs_one_statement()
    {
        var first = await Seed.ProductAsync(api.A, stock: 1_000);
        var second = await Seed.ProductAsync(api.A, stock: 1_000);
        var customer = Seed.UniqueId("n1");
        var token = Tokens.Customer(customer);
        var body = Json.Of(new { items = new[] { new { product_id = first, quantity = 1 }, new { product_id = second, quantity = 2 } } });
        await PlaceOrdersAsync(api.A, token, first, 101, body);
        using var staff = api.A.ClientFor(Seed.Staff);
        await staff.GetJsonAsync($"/api/v1/orders?customer_id={customer}&limit=1"); // warm the connection and statement

        var statements = new ConcurrentQueue<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("db.npgsql.data_source") as string == GrainAccess.DataSourceName)
                {
                    statements.Enqueue(activity.GetTagItem("db.query.text") as string ?? activity.DisplayName);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        var page = await staff.GetJsonAsync($"/api/v1/orders?customer_id={customer}&limit=100");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        var items = page.Json!["items"]!.AsArray();
        Assert.Equal(100, items.Count);
        Assert.All(items, item =>
        {
            Assert.Equal($"Customer {customer}", item!["customer_name"]!.GetValue<string>());
            Assert.Equal(2, item["item_count"]!.GetValue<int>());
        });
        Assert.NotNull(page.Json["next_cursor"]);
        // The issue allows three; the keyset query with its join needs one.
        Assert.Single(statements);
    }

    private static async Task<List<string>> PlaceOrdersAsync(FrontEnd frontEnd, string token, string product, int count, string? body = null)
    {
        using var client = frontEnd.ClientFor(token);
        using var throttle = new SemaphoreSlim(8);
        var ids = await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            await throttle.WaitAsync();
            try
            {
                var reply = await client.PostJsonAsync("/api/v1/orders", body ?? Seed.OrderBody(product), Api.NewKey());
                Assert.True(reply.Status == HttpStatusCode.Created, reply.ToString());
                return reply.Json!["id"]!.GetValue<string>();
            }
            finally
            {
                throttle.Release();
            }
        }));
        return [.. ids];
    }
}
