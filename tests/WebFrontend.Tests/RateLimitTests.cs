using System.Diagnostics.Metrics;
using System.Net;
using Grains.Orders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using WebFrontend.Hosting;
using WebFrontend.Tests.Infrastructure;
using WebFrontend.Tests.Security;

namespace WebFrontend.Tests;

/// <summary>
/// Issue 12, rate limiting: each client (the signed-in user, else the client address) has a token bucket for placing
/// orders and one for other writes, and a front end places a bounded number of orders at once. Token buckets refill on
/// the rate limiter's own clock, which cannot be injected: these budgets refill once an hour, so no token comes back
/// while a test runs and every count is exact.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RateLimitTests(ApiCluster api)
{
    private static readonly Dictionary<string, string> s_hourlyBudgets = new()
    {
        ["RateLimits:Orders:TokensPerPeriod"] = "1",
        ["RateLimits:Orders:Period"] = "01:00:00",
        ["RateLimits:Orders:Burst"] = "3",
        ["RateLimits:Writes:TokensPerPeriod"] = "1",
        ["RateLimits:Writes:Period"] = "01:00:00",
        ["RateLimits:Writes:Burst"] = "2",
    };

    [Fact]
    public async Task A_bot_over_its_order_budget_gets_429_while_well_behaved_customers_all_succeed()
    {
        await using var frontEnd = new FrontEnd(api.ConnectionString, settings: s_hourlyBudgets);
        await frontEnd.ConnectedAsync();
        using var limited = RateLimited(frontEnd);
        var product = await Seed.ProductAsync(api.A, stock: 100);
        var bot = Seed.UniqueId("bot");
        var customers = Enumerable.Range(0, 5).Select(_ => Seed.UniqueId("honest")).ToList();

        async Task<Reply[]> OrdersAsync(string customer, int count)
        {
            using var client = frontEnd.ClientFor(Tokens.Customer(customer));
            return await Task.WhenAll(Enumerable.Range(0, count).Select(_ => client.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product), Api.NewKey())));
        }

        var botRun = OrdersAsync(bot, 10);
        var honestRuns = customers.Select(customer => OrdersAsync(customer, 3)).ToList();
        var botReplies = await botRun;
        var honestReplies = (await Task.WhenAll(honestRuns)).SelectMany(replies => replies).ToList();

        Assert.All(honestReplies, reply => Assert.True(reply.Status == HttpStatusCode.Created, reply.ToString()));
        Assert.Equal(3, botReplies.Count(reply => reply.Status == HttpStatusCode.Created));
        var refused = botReplies.Where(reply => reply.Status != HttpStatusCode.Created).ToList();
        Assert.Equal(7, refused.Count);
        Assert.All(refused, reply =>
        {
            ProblemAssert.Is(reply, HttpStatusCode.TooManyRequests, "rate-limited");
            Assert.Equal("3600", reply.Header("Retry-After"));
        });

        Assert.Equal(Enumerable.Repeat("orders", 7), limited.GetMeasurementSnapshot().Select(m => (string?)m.Tags["budget"]));

        // What the refused requests would have written: orders and their holds.
        Assert.Equal(3, await api.ScalarAsync("SELECT count(*) FROM orders WHERE customer_id = $1", bot));
        Assert.Equal(100 - 3 - (5 * 3), await api.ScalarAsync("SELECT available FROM products WHERE id = $1", product));
    }

    [Fact]
    public async Task Other_writes_have_their_own_budget_and_reads_have_none()
    {
        await using var frontEnd = new FrontEnd(api.ConnectionString, settings: s_hourlyBudgets);
        await frontEnd.ConnectedAsync();
        using var limited = RateLimited(frontEnd);
        var user = Seed.UniqueId("debits");
        await Seed.CreditAsync(api.A, user, 1_000);
        var product = await Seed.ProductAsync(api.A, stock: 10);
        using var client = frontEnd.ClientFor(Tokens.Customer(user));

        var debits = new List<Reply>();
        for (var i = 0; i < 3; i++)
        {
            debits.Add(await client.PostJsonAsync($"/api/v1/wallets/{user}/debits", Json.Of(new { amount = 100, reference = $"debit-{i}" }), Api.NewKey()));
        }

        var order = await client.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product), Api.NewKey());
        var reads = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.GetJsonAsync($"/api/v1/wallets/{user}")));

        Assert.All(debits.Take(2), reply => Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString()));
        ProblemAssert.Is(debits[2], HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.Equal("3600", debits[2].Header("Retry-After"));
        Assert.Equal(["writes"], limited.GetMeasurementSnapshot().Select(m => (string?)m.Tags["budget"]));
        Assert.True(order.Status == HttpStatusCode.Created, order.ToString());
        Assert.All(reads, reply => Assert.Equal(800, reply.Json!["balance"]!.GetValue<long>()));
        Assert.Equal(800, await api.ScalarAsync("SELECT balance FROM wallets WHERE user_id = $1", user));
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM wallet_entries WHERE user_id = $1 AND reference = 'debit-2'", user));
    }

    /// <summary>
    /// Anonymous callers spend from their address's budget (and are refused 401 while it lasts). Through a front end on
    /// a real socket, so the peer is this test's connection from loopback; each request claims another address in
    /// X-Forwarded-For, which only a configured proxy may set.
    /// </summary>
    [Theory]
    [InlineData(null, "401 401 429 429 429")]        // no proxy configured: every request is 127.0.0.1's, whatever it claims
    [InlineData("127.0.0.1", "401 401 401 401 429")] // the peer is a configured proxy: each forwarded address has its own budget
    public async Task Anonymous_callers_are_counted_by_their_address_which_a_forged_header_does_not_change(string? proxy, string expected)
    {
        var settings = new Dictionary<string, string>(s_hourlyBudgets) { ["RateLimits:Orders:Burst"] = "2" };
        if (proxy is not null)
        {
            settings["ForwardedHeaders:KnownProxies:0"] = proxy;
        }

        await using var frontEnd = FrontEnd.Listening(api.ConnectionString, settings);
        await frontEnd.ConnectedAsync();
        using var client = frontEnd.ClientFor(null);
        var statuses = new List<int>();
        foreach (var claimed in new[] { "203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.1", "203.0.113.1" })
        {
            using var request = Api.Request(HttpMethod.Post, "/api/v1/orders", Seed.OrderBody("anything"), Api.NewKey());
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", claimed);
            var reply = await Reply.ReadAsync(await client.SendAsync(request));
            ProblemAssert.Is(reply, reply.Status, reply.Status == HttpStatusCode.TooManyRequests ? "rate-limited" : "unauthorized");
            statuses.Add((int)reply.Status);
        }

        Assert.Equal(expected, string.Join(' ', statuses));
    }

    /// <summary>
    /// One order in flight (held inside its saga) fills the front end's single slot, a second waits in its queue of
    /// one, and a third is shed at once with 503 overloaded, having written nothing; released, the first two are placed.
    /// </summary>
    [Fact]
    public async Task When_the_order_path_is_saturated_an_order_waits_in_the_queue_and_the_next_is_shed()
    {
        await using var frontEnd = new FrontEnd(api.ConnectionString, settings: new Dictionary<string, string>
        {
            ["RateLimits:OrderConcurrency:PermitLimit"] = "1",
            ["RateLimits:OrderConcurrency:QueueLimit"] = "1",
            ["RateLimits:OrderConcurrency:RetryAfter"] = "00:00:07",
        });
        await frontEnd.ConnectedAsync();
        using var queued = new MetricCollector<long>(frontEnd.Services.GetRequiredService<IMeterFactory>(),
            "Microsoft.AspNetCore.RateLimiting", "aspnetcore.rate_limiting.queued_requests");
        using var shedOrders = new MetricCollector<long>(frontEnd.Services.GetRequiredService<IMeterFactory>(), FrontendMetrics.MeterName, FrontendMetrics.OrdersShedName);
        var product = await Seed.ProductAsync(api.A, stock: 10);
        var (first, second, shed) = (Seed.UniqueId("first"), Seed.UniqueId("second"), Seed.UniqueId("shed"));
        var before = await WrittenState.SnapshotAsync(api, shed, product);
        Task<Reply> Place(string customer)
        {
            var client = frontEnd.ClientFor(Tokens.Customer(customer));
            return client.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product), Api.NewKey());
        }

        var hold = api.SagaFaults.HoldNextAt(OrderSagaStep.Reserving);
        try
        {
            var firstReply = Place(first);
            await hold.Reached.Task.WaitAsync(TimeSpan.FromMinutes(1));
            var secondReply = Place(second);
            await queued.WaitForMeasurementsAsync(1, TimeSpan.FromMinutes(1));

            var shedReply = await Place(shed);

            ProblemAssert.Is(shedReply, HttpStatusCode.ServiceUnavailable, "overloaded");
            Assert.Equal("7", shedReply.Header("Retry-After"));
            Assert.Equal([1L], shedOrders.GetMeasurementSnapshot().Select(m => m.Value));
            Assert.Equal(before, await WrittenState.SnapshotAsync(api, shed, product));
            Assert.False(secondReply.IsCompleted);

            hold.Released.TrySetResult();
            Assert.Equal(HttpStatusCode.Created, (await firstReply).Status);
            Assert.Equal(HttpStatusCode.Created, (await secondReply).Status);
            Assert.Equal(8, await api.ScalarAsync("SELECT available FROM products WHERE id = $1", product));
        }
        finally
        {
            api.SagaFaults.Clear();
            hold.Released.TrySetResult();
        }
    }

    /// <summary>The front end's own 429s, as its metrics count them.</summary>
    private static MetricCollector<long> RateLimited(FrontEnd frontEnd)
        => new(frontEnd.Services.GetRequiredService<IMeterFactory>(), FrontendMetrics.MeterName, FrontendMetrics.RateLimitedName);
}
