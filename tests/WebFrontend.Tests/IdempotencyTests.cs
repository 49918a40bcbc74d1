using System.Net;
using Grains.Orders;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>Case C3, per the IETF Idempotency-Key draft: one key, one effect, whatever the retries.</summary>
[Collection(ApiCollection.Name)]
public sealed class IdempotencyTests(ApiCluster api)
{
    [Fact]
    public async Task Twenty_parallel_posts_with_one_key_place_one_order_and_answer_identically()
    {
        var product = await Seed.ProductAsync(api.A, stock: 100);
        var key = Api.NewKey();
        var token = Tokens.Customer(Seed.UniqueId("idem"));
        var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            using var client = (i % 2 == 0 ? api.A : api.B).ClientFor(token);
            return await client.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product, quantity: 3), key);
        }));

        Assert.All(replies, r => Assert.Equal(HttpStatusCode.Created, r.Status));
        Assert.Single(replies.Select(r => r.Body).Distinct());
        Assert.Equal(19, replies.Count(r => r.Header("Idempotent-Replayed") == "true"));
        Assert.Single(replies.Select(r => r.Header("Location")).Distinct());
        Assert.Equal(97, await api.ScalarAsync("SELECT available FROM products WHERE id = $1", product));
        Assert.Equal(1, await api.ScalarAsync("SELECT count(*) FROM order_items WHERE product_id = $1", product));
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_refused_with_422_and_changes_nothing()
    {
        var product = await Seed.ProductAsync(api.A, stock: 10);
        var key = Api.NewKey();
        using var client = api.A.ClientFor(Tokens.Customer(Seed.UniqueId("idem")));
        Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product, 1), key)).Status);

        var other = await client.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product, 2), key);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.Status);
        Assert.Equal("https://errors.example/idempotency-key-reused", other.ProblemType);
        Assert.Equal(9, await api.ScalarAsync("SELECT available FROM products WHERE id = $1", product));
    }

    [Fact]
    public async Task A_retry_while_the_first_request_runs_waits_for_it_and_answers_the_same_order()
    {
        // The order is the key's record: its grain takes one call at a time, so the retry (on the other front end)
        // waits behind the held saga and then hears the order it placed.
        var product = await Seed.ProductAsync(api.A, stock: 10);
        var key = Api.NewKey();
        var token = Tokens.Customer(Seed.UniqueId("idem"));
        using var first = api.A.ClientFor(token);
        using var second = api.B.ClientFor(token);
        var hold = api.SagaFaults.HoldNextAt(OrderSagaStep.Reserving);
        try
        {
            var running = first.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product), key);
            await hold.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var retry = second.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product), key);
            hold.Released.SetResult();

            var (placed, replayed) = (await running, await retry);
            Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (placed.Status, replayed.Status));
            Assert.Equal(placed.Body, replayed.Body);
            Assert.Null(placed.Header("Idempotent-Replayed"));
            Assert.Equal("true", replayed.Header("Idempotent-Replayed"));
            Assert.Equal(9, await api.ScalarAsync("SELECT available FROM products WHERE id = $1", product));
        }
        finally
        {
            hold.Released.TrySetResult();
            api.SagaFaults.Clear();
        }
    }

    [Fact]
    public async Task A_missing_key_is_refused_before_anything_runs()
    {
        var product = await Seed.ProductAsync(api.A, stock: 10);
        using var client = api.A.ClientFor(Tokens.Customer(Seed.UniqueId("idem")));

        var reply = await client.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("https://errors.example/idempotency-key-missing", reply.ProblemType);
        Assert.Equal(10, await api.ScalarAsync("SELECT available FROM products WHERE id = $1", product));
    }

    [Fact]
    public async Task Keys_belong_to_users_so_two_users_with_one_key_each_place_an_order()
    {
        var product = await Seed.ProductAsync(api.A, stock: 10);
        var key = Api.NewKey();
        using var alice = api.A.ClientFor(Tokens.Customer(Seed.UniqueId("alice")));
        using var bob = api.A.ClientFor(Tokens.Customer(Seed.UniqueId("bob")));

        var first = await alice.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product), key);
        var second = await bob.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product), key);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Created, second.Status);
        Assert.Null(second.Header("Idempotent-Replayed"));
        Assert.NotEqual(first.Json!["id"]!.GetValue<string>(), second.Json!["id"]!.GetValue<string>());
        Assert.Equal(8, await api.ScalarAsync("SELECT available FROM products WHERE id = $1", product));
        Assert.Equal(2, await api.ScalarAsync("SELECT count(*) FROM orders WHERE id IN ($1, $2)", first.Json!["id"]!.GetValue<string>(), second.Json!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_retry_after_the_first_request_timed_out_while_its_saga_ran_places_no_second_order()
    {
        // A front end that gives up on a grain call after one second: the first request times out (503) while its saga,
        // held, goes on; its idempotency entry is forgotten, so the retry runs again and must find the same order.
        await using var impatient = new FrontEnd(api.ConnectionString,
            services => services.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromSeconds(1)));
        await impatient.ConnectedAsync();
        var product = await Seed.ProductAsync(api.A, stock: 10);
        var customer = Seed.UniqueId("timeout");
        var key = Api.NewKey();
        using var client = impatient.ClientFor(Tokens.Customer(customer));
        var hold = api.SagaFaults.HoldNextAt(OrderSagaStep.Persisting);
        Reply timedOut, retried;
        try
        {
            timedOut = await client.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product, quantity: 2), key);
            var retry = client.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product, quantity: 2), key);
            hold.Released.TrySetResult();
            retried = await retry;
        }
        finally
        {
            hold.Released.TrySetResult();
            api.SagaFaults.Clear();
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, timedOut.Status);
        Assert.Equal(HttpStatusCode.Created, retried.Status);
        var orderId = retried.Json!["id"]!.GetValue<string>();
        Assert.Equal($"/api/v1/orders/{orderId}", retried.Header("Location"));
        Assert.Equal(1, await api.ScalarAsync("SELECT count(*) FROM orders WHERE customer_id = $1", customer));
        Assert.Equal(8, await api.ScalarAsync("SELECT available FROM products WHERE id = $1", product));
        Assert.Equal(1, await api.ScalarAsync("SELECT count(*) FROM product_holds WHERE product_id = $1", product));
        using var reader = api.A.ClientFor(Tokens.Customer(customer));
        var stored = await reader.GetJsonAsync($"/api/v1/orders/{orderId}");
        Assert.Equal(stored.Json!.ToJsonString(), retried.Json.ToJsonString());
    }

    [Fact]
    public async Task A_retry_with_another_body_after_the_first_timed_out_is_refused_with_422()
    {
        await using var impatient = new FrontEnd(api.ConnectionString,
            services => services.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromSeconds(1)));
        await impatient.ConnectedAsync();
        var product = await Seed.ProductAsync(api.A, stock: 10);
        var key = Api.NewKey();
        using var client = impatient.ClientFor(Tokens.Customer(Seed.UniqueId("reused")));
        var hold = api.SagaFaults.HoldNextAt(OrderSagaStep.Persisting);
        Reply timedOut;
        try
        {
            timedOut = await client.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product, quantity: 2), key);
        }
        finally
        {
            hold.Released.TrySetResult();
            api.SagaFaults.Clear();
        }

        // The first request's entry was forgotten with its 503, but the order grain knows what this key placed.
        var other = await client.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product, quantity: 3), key);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, timedOut.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.Status);
        Assert.Equal("https://errors.example/idempotency-key-reused", other.ProblemType);
        Assert.Equal(8, await api.ScalarAsync("SELECT available FROM products WHERE id = $1", product));
    }
}
