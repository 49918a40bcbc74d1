using System.Net;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests.Security;

/// <summary>
/// OWASP API6:2023, unrestricted access to sensitive business flows: a single-use coupon spent twice (one after the
/// other, or at once from two tabs), and a wallet drained by concurrent or replayed debits. The coupon counts its
/// holds and the wallet grain applies one movement at a time, once per reference, so neither flow pays out twice.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class Api6SensitiveBusinessFlowsTests(ApiCluster api)
{
    [Fact]
    public async Task A_single_use_coupon_spent_again_on_a_second_order_is_refused_and_holds_nothing()
    {
        var coupon = await Seed.CouponAsync(api, usageLimit: 1);
        var product = await Seed.ProductAsync(api.A, stock: 10);
        using var customer = api.B.ClientFor(Tokens.Customer(Seed.UniqueId("coupon")));

        var first = await customer.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product, coupon: coupon), Api.NewKey());
        var second = await customer.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product, coupon: coupon), Api.NewKey());

        Assert.True(first.Status == HttpStatusCode.Created, first.ToString());
        Assert.True(first.Json!["discount"]!.GetValue<long>() > 0, first.ToString());
        ProblemAssert.Is(second, HttpStatusCode.UnprocessableEntity, "coupon-invalid");
        Assert.Equal(1, await Seed.CouponUsesAsync(api, coupon));
        Assert.Equal(9, await Checkout.StockAsync(api.A, product));
    }

    [Fact]
    public async Task A_single_use_coupon_spent_by_ten_orders_at_once_discounts_exactly_one()
    {
        var coupon = await Seed.CouponAsync(api, usageLimit: 1);
        var product = await Seed.ProductAsync(api.A, stock: 100);
        using var customer = api.B.ClientFor(Tokens.Customer(Seed.UniqueId("coupon-race")));

        var replies = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => customer.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product, coupon: coupon), Api.NewKey())));

        Assert.Single(replies, r => r.Status == HttpStatusCode.Created);
        Assert.All(replies.Where(r => r.Status != HttpStatusCode.Created), r => ProblemAssert.Is(r, HttpStatusCode.UnprocessableEntity, "coupon-invalid"));
        Assert.Equal(1, await Seed.CouponUsesAsync(api, coupon));
        Assert.Equal(99, await Checkout.StockAsync(api.A, product));
    }

    [Fact]
    public async Task Twenty_debits_of_100_at_once_on_a_balance_of_1000_apply_exactly_ten_and_never_overdraw()
    {
        var user = Seed.UniqueId("drain");
        await Seed.CreditAsync(api.A, user, 1_000);
        using var client = api.B.ClientFor(Tokens.Customer(user));

        var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            client.PostJsonAsync($"/api/v1/wallets/{user}/debits", Json.Of(new { amount = 100, reference = $"drain-{i}" }), Api.NewKey())));

        Assert.Equal(10, replies.Count(r => r.Status == HttpStatusCode.OK));
        Assert.All(replies.Where(r => r.Status != HttpStatusCode.OK), r => ProblemAssert.Is(r, HttpStatusCode.Conflict, "insufficient-funds"));
        Assert.Equal(0, await api.ScalarAsync("SELECT balance FROM wallets WHERE user_id = $1", user));
        Assert.Equal(10, await api.ScalarAsync("SELECT count(*) FROM wallet_entries WHERE user_id = $1 AND amount < 0", user));
    }

    [Fact]
    public async Task A_debit_replayed_under_new_idempotency_keys_is_charged_once_and_its_reference_cannot_be_stretched()
    {
        var user = Seed.UniqueId("replay");
        await Seed.CreditAsync(api.A, user, 1_000);
        using var client = api.B.ClientFor(Tokens.Customer(user));
        var reference = Seed.UniqueId("pay");

        var replays = new List<Reply>();
        for (var i = 0; i < 5; i++)
        {
            replays.Add(await client.PostJsonAsync($"/api/v1/wallets/{user}/debits", Json.Of(new { amount = 100, reference }), Api.NewKey()));
        }

        var stretched = await client.PostJsonAsync($"/api/v1/wallets/{user}/debits", Json.Of(new { amount = 900, reference }), Api.NewKey());

        Assert.All(replays, r => Assert.True(r.Status == HttpStatusCode.OK && r.Json!["balance"]!.GetValue<long>() == 900, r.ToString()));
        ProblemAssert.Is(stretched, HttpStatusCode.Conflict, "reference-conflict");
        Assert.Equal(900, await api.ScalarAsync("SELECT balance FROM wallets WHERE user_id = $1", user));
        Assert.Equal(1, await api.ScalarAsync("SELECT count(*) FROM wallet_entries WHERE user_id = $1 AND amount < 0", user));
    }

    [Fact]
    public async Task A_negative_debit_that_would_credit_the_callers_own_wallet_is_refused()
    {
        var user = Seed.UniqueId("negative");
        await Seed.CreditAsync(api.A, user, 1_000);
        using var client = api.B.ClientFor(Tokens.Customer(user));

        var reply = await client.PostJsonAsync($"/api/v1/wallets/{user}/debits", Json.Of(new { amount = -1_000_000, reference = Seed.UniqueId("neg") }), Api.NewKey());

        ProblemAssert.Is(reply, HttpStatusCode.BadRequest, "validation-failed", "amount");
        Assert.Equal(1_000, await api.ScalarAsync("SELECT balance FROM wallets WHERE user_id = $1", user));
    }
}
