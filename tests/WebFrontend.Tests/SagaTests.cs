using System.Net;
using Grains.Orders;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>
/// Case C11: an order is all or nothing. A failure at any step leaves no hold, no coupon use, no payment (nor its poll
/// reminder) and no order row.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class SagaTests(ApiCluster api)
{
    /// <summary>Every step of placing an order (confirming a payment comes later, and has its own tests).</summary>
    public static TheoryData<OrderSagaStep> Steps => new(Enum.GetValues<OrderSagaStep>().Where(step => step != OrderSagaStep.ConfirmingPayment));

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task A_failure_at_any_step_leaves_nothing_behind(OrderSagaStep step)
    {
        var first = await Seed.ProductAsync(api.A, stock: 5);
        var second = await Seed.ProductAsync(api.A, stock: 5);
        var coupon = await Seed.CouponAsync(api, usageLimit: 3);
        var customer = Seed.UniqueId("saga");
        using var client = api.A.ClientFor(Tokens.Customer(customer));
        var body = Json.Of(new { items = new[] { new { product_id = first, quantity = 2 }, new { product_id = second, quantity = 1 } }, coupon_code = coupon });

        api.SagaFaults.FailAt(step);
        Reply failed;
        try
        {
            failed = await client.PostJsonAsync("/api/v1/orders", body, Api.NewKey());
        }
        finally
        {
            api.SagaFaults.Clear();
        }

        Assert.Equal(HttpStatusCode.InternalServerError, failed.Status);
        Assert.Equal("https://errors.example/internal-error", failed.ProblemType);
        Assert.Equal(5, await api.ScalarAsync("SELECT available FROM products WHERE id = $1", first));
        Assert.Equal(5, await api.ScalarAsync("SELECT available FROM products WHERE id = $1", second));
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM product_holds WHERE product_id IN ($1, $2)", first, second));
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM orders WHERE customer_id = $1", customer));
        Assert.Equal(0, await Seed.CouponUsesAsync(api, coupon));
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM payments p WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = p.order_id)"));
        Assert.Equal(0, await api.ScalarAsync(
            "SELECT count(*) FROM orleans_reminders r WHERE r.grain_id LIKE 'payment/%' AND NOT EXISTS (SELECT 1 FROM payments p WHERE 'payment/' || p.id = r.grain_id)"));

        // And the same order goes through once the fault is gone, using exactly what it should.
        var placed = await client.PostJsonAsync("/api/v1/orders", body, Api.NewKey());
        Assert.Equal(HttpStatusCode.Created, placed.Status);
        Assert.Equal(3, await api.ScalarAsync("SELECT available FROM products WHERE id = $1", first));
        Assert.Equal(1, await Seed.CouponUsesAsync(api, coupon));
    }

    [Fact]
    public async Task An_order_refused_for_stock_releases_the_lines_it_had_reserved()
    {
        var plenty = await Seed.ProductAsync(api.A, stock: 10);
        var scarce = await Seed.ProductAsync(api.A, stock: 1);
        using var client = api.B.ClientFor(Tokens.Customer(Seed.UniqueId("saga")));
        var body = Json.Of(new { items = new[] { new { product_id = plenty, quantity = 4 }, new { product_id = scarce, quantity = 2 } } });

        var reply = await client.PostJsonAsync("/api/v1/orders", body, Api.NewKey());

        Assert.Equal(HttpStatusCode.Conflict, reply.Status);
        Assert.Equal("https://errors.example/out-of-stock", reply.ProblemType);
        Assert.Equal([scarce], reply.Json!["product_ids"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(10, await api.ScalarAsync("SELECT available FROM products WHERE id = $1", plenty));
        Assert.Equal(1, await api.ScalarAsync("SELECT available FROM products WHERE id = $1", scarce));
    }

    [Fact]
    public async Task Cancelling_an_order_gives_its_stock_back_and_a_second_cancel_is_409()
    {
        var product = await Seed.ProductAsync(api.A, stock: 10);
        using var client = api.A.ClientFor(Tokens.Customer(Seed.UniqueId("saga")));
        var placed = await client.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product, 4), Api.NewKey());
        var id = placed.Json!["id"]!.GetValue<string>();
        Assert.Equal(6, await api.ScalarAsync("SELECT available FROM products WHERE id = $1", product));

        using var other = api.B.ClientFor(Tokens.Customer(Seed.UniqueId("saga")));
        var cancelled = await other.SendAsync(HttpMethod.Post, $"/api/v1/orders/{id}/cancel");
        Assert.Equal(HttpStatusCode.NotFound, cancelled.Status);

        cancelled = await client.SendAsync(HttpMethod.Post, $"/api/v1/orders/{id}/cancel");
        Assert.Equal(HttpStatusCode.OK, cancelled.Status);
        Assert.Equal("CANCELLED", cancelled.Json!["status"]!.GetValue<string>());
        Assert.Equal(10, await api.ScalarAsync("SELECT available FROM products WHERE id = $1", product));
        Assert.Equal("CANCELLED", (await api.TextAsync("SELECT status FROM orders WHERE id = $1", id)));

        var again = await client.SendAsync(HttpMethod.Post, $"/api/v1/orders/{id}/cancel");
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("https://errors.example/invalid-state", again.ProblemType);
    }
}
