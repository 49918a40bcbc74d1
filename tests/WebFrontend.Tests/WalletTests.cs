using System.Net;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>Case C20: concurrent debits never overdraw; a reference is charged once whatever the idempotency key.</summary>
[Collection(ApiCollection.Name)]
public sealed class WalletTests(ApiCluster api)
{
    [Fact]
    public async Task A_thousand_concurrent_debits_of_100_on_50000_leave_exactly_500_applied_and_a_zero_balance()
    {
        var user = Seed.UniqueId("w");
        await Seed.CreditAsync(api.A, user, 50_000);
        var token = Tokens.Customer(user);
        using var throttle = new SemaphoreSlim(200);
        var replies = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async i =>
        {
            await throttle.WaitAsync();
            try
            {
                using var client = (i % 2 == 0 ? api.A : api.B).ClientFor(token);
                return await client.PostJsonAsync($"/api/v1/wallets/{user}/debits", Json.Of(new { amount = 100, reference = $"debit-{i}" }), Api.NewKey());
            }
            finally
            {
                throttle.Release();
            }
        }));

        Assert.Equal(500, replies.Count(r => r.Status == HttpStatusCode.OK));
        Assert.Equal(500, replies.Count(r => r.Status == HttpStatusCode.Conflict && r.ProblemType == "https://errors.example/insufficient-funds"));
        using var client = api.A.ClientFor(token);
        Assert.Equal(0, (await client.GetJsonAsync($"/api/v1/wallets/{user}")).Json!["balance"]!.GetValue<long>());
        Assert.Equal(0, await api.ScalarAsync("SELECT balance FROM wallets WHERE user_id = $1", user));
        Assert.Equal(500, await api.ScalarAsync("SELECT count(*) FROM wallet_entries WHERE user_id = $1 AND amount = -100", user));
    }

    [Fact]
    public async Task A_reference_reused_under_a_new_key_is_not_charged_twice()
    {
        var user = Seed.UniqueId("w");
        await Seed.CreditAsync(api.A, user, 1_000);
        using var client = api.A.ClientFor(Tokens.Customer(user));
        var body = Json.Of(new { amount = 300, reference = "invoice-42" });

        var first = await client.PostJsonAsync($"/api/v1/wallets/{user}/debits", body, Api.NewKey());
        var second = await client.PostJsonAsync($"/api/v1/wallets/{user}/debits", body, Api.NewKey());
        var conflicting = await client.PostJsonAsync($"/api/v1/wallets/{user}/debits", Json.Of(new { amount = 500, reference = "invoice-42" }), Api.NewKey());

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Null(second.Header("Idempotent-Replayed"));
        Assert.Equal(700, second.Json!["balance"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.Conflict, conflicting.Status);
        Assert.Equal("https://errors.example/reference-conflict", conflicting.ProblemType);
        Assert.Equal(700, await api.ScalarAsync("SELECT balance FROM wallets WHERE user_id = $1", user));
        Assert.Equal(1, await api.ScalarAsync("SELECT count(*) FROM wallet_entries WHERE user_id = $1 AND reference = 'invoice-42'", user));
    }

    [Fact]
    public async Task The_history_pages_every_movement_once_newest_first_and_only_to_its_owner()
    {
        var user = Seed.UniqueId("w");
        await Seed.CreditAsync(api.A, user, 10_000);
        using var client = api.A.ClientFor(Tokens.Customer(user));
        for (var i = 0; i < 11; i++)
        {
            var debit = await client.PostJsonAsync($"/api/v1/wallets/{user}/debits", Json.Of(new { amount = 10, reference = $"debit-{i}" }), Api.NewKey());
            Assert.Equal(HttpStatusCode.OK, debit.Status);
        }

        var seen = new List<(string Reference, long Amount, long BalanceAfter)>();
        string? cursor = null;
        do
        {
            var page = await client.GetJsonAsync($"/api/v1/wallets/{user}/entries?limit=5{(cursor is null ? "" : $"&cursor={cursor}")}");
            Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
            seen.AddRange(page.Json!["items"]!.AsArray().Select(e => (e!["reference"]!.GetValue<string>(), e["amount"]!.GetValue<long>(), e["balance_after"]!.GetValue<long>())));
            cursor = page.Json["next_cursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        Assert.Equal(12, seen.Count);
        Assert.Equal([.. Enumerable.Range(0, 11).Reverse().Select(i => ($"debit-{i}", -10L, 10_000L - (10 * (i + 1))))], seen.Take(11));
        Assert.Equal((10_000L, 10_000L), (seen[11].Amount, seen[11].BalanceAfter));
        using var stranger = api.A.ClientFor(Tokens.Customer(Seed.UniqueId("w")));
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetJsonAsync($"/api/v1/wallets/{user}/entries")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetJsonAsync($"/api/v1/wallets/{user}/entries?cursor=nonsense")).Status);
    }

    [Fact]
    public async Task A_credit_past_the_balance_limit_is_refused_not_mistaken_for_insufficient_funds()
    {
        const long limit = 1_000_000_000_000_000;
        var user = Seed.UniqueId("w");
        await Seed.CreditAsync(api.A, user, limit);
        using var admin = api.B.ClientFor(Seed.Admin);

        var over = await admin.PostJsonAsync($"/api/v1/wallets/{user}/credits", Json.Of(new { amount = 1, reference = "one-too-many" }), Api.NewKey());

        Assert.Equal(HttpStatusCode.Conflict, over.Status);
        Assert.Equal("https://errors.example/balance-limit", over.ProblemType);
        Assert.Equal(limit, await api.ScalarAsync("SELECT balance FROM wallets WHERE user_id = $1", user));
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM wallet_entries WHERE user_id = $1 AND reference = 'one-too-many'", user));
    }
}
