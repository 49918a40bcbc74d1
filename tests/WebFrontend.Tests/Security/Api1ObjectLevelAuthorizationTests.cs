using System.Net;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests.Security;

/// <summary>
/// OWASP API1:2023, broken object level authorization: a customer who knows (or guesses) the id of another customer's
/// order, wallet or payment gets exactly what a missing object gets, and changes nothing. AuthMatrixTests checks every
/// endpoint against every role; these are the attacks themselves.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class Api1ObjectLevelAuthorizationTests(ApiCluster api)
{
    [Fact]
    public async Task Reading_another_customers_order_by_its_id_is_answered_like_a_missing_order()
    {
        var product = await Seed.ProductAsync(api.A, stock: 5);
        var victim = Seed.UniqueId("victim");
        var order = await Checkout.PlaceAsync(api.A, victim, product);
        using var attacker = api.B.ClientFor(Tokens.Customer(Seed.UniqueId("attacker")));

        var stolen = await attacker.GetJsonAsync($"/api/v1/orders/{order.OrderId}");
        var missing = await attacker.GetJsonAsync($"/api/v1/orders/ord_{new string('0', 32)}");

        ProblemAssert.Is(stolen, HttpStatusCode.NotFound, "not-found");
        ProblemAssert.Is(missing, HttpStatusCode.NotFound, "not-found");
        Assert.Equal(missing.Json!["title"]!.GetValue<string>(), stolen.Json!["title"]!.GetValue<string>());
        Assert.Null(stolen.Header("ETag"));
        Assert.DoesNotContain(victim, stolen.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(order.PaymentId, stolen.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_another_customers_order_is_answered_like_a_missing_order_and_the_order_stays_pending()
    {
        var product = await Seed.ProductAsync(api.A, stock: 5);
        var victim = Seed.UniqueId("victim");
        var order = await Checkout.PlaceAsync(api.A, victim, product);
        var before = await WrittenState.SnapshotAsync(api, victim, product);
        using var attacker = api.B.ClientFor(Tokens.Customer(Seed.UniqueId("attacker")));

        var cancel = await attacker.SendAsync(HttpMethod.Post, $"/api/v1/orders/{order.OrderId}/cancel");

        ProblemAssert.Is(cancel, HttpStatusCode.NotFound, "not-found");
        Assert.Equal(before, await WrittenState.SnapshotAsync(api, victim, product));
        Assert.Equal("PENDING_PAYMENT", await api.TextAsync("SELECT status FROM orders WHERE id = $1", order.OrderId));
        Assert.Equal(4, await Checkout.StockAsync(api.A, product));
    }

    [Fact]
    public async Task Listing_orders_with_another_customers_id_shows_only_the_callers_own()
    {
        var product = await Seed.ProductAsync(api.A, stock: 5);
        var victim = Seed.UniqueId("victim");
        var attacker = Seed.UniqueId("attacker");
        var victims = await Checkout.PlaceAsync(api.A, victim, product);
        var own = await Checkout.PlaceAsync(api.A, attacker, product);
        using var client = api.B.ClientFor(Tokens.Customer(attacker));

        var list = await client.GetJsonAsync($"/api/v1/orders?customer_id={victim}");

        Assert.True(list.Status == HttpStatusCode.OK, list.ToString());
        var ids = list.Json!["items"]!.AsArray().Select(item => item!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(new[] { own.OrderId }, ids);
        Assert.DoesNotContain(victims.OrderId, list.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reading_or_debiting_another_customers_wallet_is_answered_like_a_missing_wallet_and_moves_no_money()
    {
        var victim = Seed.UniqueId("victim");
        await Seed.CreditAsync(api.A, victim, 1_000);
        var before = await WrittenState.SnapshotAsync(api, victim);
        using var attacker = api.B.ClientFor(Tokens.Customer(Seed.UniqueId("attacker")));
        var missingWallet = Seed.UniqueId("nobody");

        var read = await attacker.GetJsonAsync($"/api/v1/wallets/{victim}");
        var readMissing = await attacker.GetJsonAsync($"/api/v1/wallets/{missingWallet}");
        var debit = await attacker.PostJsonAsync($"/api/v1/wallets/{victim}/debits", Json.Of(new { amount = 1_000, reference = Seed.UniqueId("steal") }), Api.NewKey());

        ProblemAssert.Is(read, HttpStatusCode.NotFound, "not-found");
        ProblemAssert.Is(readMissing, HttpStatusCode.NotFound, "not-found");
        ProblemAssert.Is(debit, HttpStatusCode.NotFound, "not-found");
        Assert.DoesNotContain("balance", read.Body, StringComparison.Ordinal);
        Assert.Equal(before, await WrittenState.SnapshotAsync(api, victim));
        Assert.Equal(1_000, await api.ScalarAsync("SELECT balance FROM wallets WHERE user_id = $1", victim));
    }

    [Fact]
    public async Task Asking_the_return_page_about_another_customers_payment_without_the_gateways_signature_is_refused()
    {
        var product = await Seed.ProductAsync(api.A, stock: 5);
        var order = await Checkout.PlaceAsync(api.A, Seed.UniqueId("victim"), product);
        using var attacker = api.B.ClientFor(Tokens.Customer(Seed.UniqueId("attacker")));

        // The return page is anonymous (the browser comes back from the gateway): the gateway's checksum is its only key.
        var unsigned = await attacker.GetJsonAsync($"/api/v1/payments/vnpay/return?vnp_TxnRef={order.PaymentId}&vnp_ResponseCode=00&vnp_TransactionStatus=00");
        var guessed = await attacker.GetJsonAsync(
            $"/api/v1/payments/vnpay/return?vnp_TxnRef={order.PaymentId}&vnp_ResponseCode=00&vnp_TransactionStatus=00&vnp_SecureHash={new string('a', 128)}");

        ProblemAssert.Is(unsigned, HttpStatusCode.BadRequest, "invalid-signature");
        ProblemAssert.Is(guessed, HttpStatusCode.BadRequest, "invalid-signature");
        Assert.DoesNotContain(order.OrderId, unsigned.Body + guessed.Body, StringComparison.Ordinal);
    }
}
