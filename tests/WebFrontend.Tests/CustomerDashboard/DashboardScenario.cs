using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests.CustomerDashboard;

/// <summary>
/// A customer with a wallet credited and debited and three orders — cancelled, paid (by the gateway's IPN), pending —
/// made through the API of either mode, and the dashboard the API must answer for them, exactly.
/// </summary>
public static class DashboardScenario
{
    /// <param name="postgres">Whether the API reads PostgreSQL, which keeps microseconds (a grain's view of the order, and the embedded mode's store, keep the clock's 100 ns).</param>
    public static async Task<(JsonNode Expected, string Customer)> RunAsync(Func<string?, HttpClient> clientFor, bool postgres)
    {
        JsonNode At(JsonNode at) => postgres
            ? JsonSerializer.SerializeToNode(new DateTime(at.GetValue<DateTime>().Ticks / 10 * 10, DateTimeKind.Utc))!
            : at.DeepClone();

        var customer = Seed.UniqueId("dash");
        var product = Seed.UniqueId("p");
        using var manager = clientFor(Seed.Manager);
        using var admin = clientFor(Seed.Admin);
        using var client = clientFor(Tokens.Customer(customer));
        using var gateway = clientFor(null);
        Assert.Equal(HttpStatusCode.Created, (await manager.PostJsonAsync("/api/v1/products", Json.Of(new { id = product, name = "Dashboard lamp", price = 100_000, stock = 10 }))).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostJsonAsync($"/api/v1/wallets/{customer}/credits", Json.Of(new { amount = 1_000_000, reference = "top-up-1" }), Api.NewKey())).Status);
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"/api/v1/wallets/{customer}/debits", Json.Of(new { amount = 200_000, reference = "invoice-1" }), Api.NewKey())).Status);

        var cancelled = await PlaceAsync(client, product, 1);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(HttpMethod.Post, $"/api/v1/orders/{cancelled.OrderId}/cancel")).Status);
        var paid = await PlaceAsync(client, product, 2);
        Assert.Equal("00", await Checkout.SendIpnAsync(gateway, Checkout.IpnQuery(paid, "91000001", success: true)));
        var pending = await PlaceAsync(client, product, 1);

        var orders = new List<JsonNode>();
        foreach (var order in new[] { pending, paid, cancelled })
        {
            var reply = await client.GetJsonAsync($"/api/v1/orders/{order.OrderId}");
            Assert.Equal(HttpStatusCode.OK, reply.Status);
            orders.Add(reply.Json!);
        }

        Assert.Equal(["PENDING_PAYMENT", "PAID", "CANCELLED"], orders.Select(o => o["status"]!.GetValue<string>()));
        var entries = (await client.GetJsonAsync($"/api/v1/wallets/{customer}/entries")).Json!["items"]!.AsArray();
        var activity = new JsonArray();
        foreach (var order in orders)
        {
            activity.Add(new JsonObject { ["kind"] = "order_placed", ["id"] = order["id"]!.GetValue<string>(), ["amount"] = order["total"]!.GetValue<long>(), ["at"] = At(order["created_at"]!) });
        }

        foreach (var entry in entries)
        {
            var amount = entry!["amount"]!.GetValue<long>();
            activity.Add(new JsonObject { ["kind"] = amount < 0 ? "wallet_debit" : "wallet_credit", ["id"] = entry["reference"]!.DeepClone(), ["amount"] = amount, ["at"] = entry["created_at"]!.DeepClone() });
        }

        // Both modes know the customer from their first order (the cancelled one), at its time.
        var expected = new JsonObject
        {
            ["user"] = new JsonObject { ["id"] = customer, ["name"] = $"Customer {customer}", ["member_since"] = At(orders[2]["created_at"]!) },
            ["permissions"] = new JsonArray("order:cancel:own", "order:create", "order:read:own", "product:read", "upload:create", "wallet:debit:own", "wallet:read:own"),
            ["order_summary"] = new JsonObject
            {
                ["total"] = 3,
                ["by_status"] = new JsonObject { ["PENDING_PAYMENT"] = 1, ["PAID"] = 1, ["FULFILLED"] = 0, ["CANCELLED"] = 1, ["EXPIRED"] = 0, ["REFUNDED"] = 0 },
                ["recent"] = new JsonArray([.. orders.Select(o => (JsonNode)new JsonObject
                {
                    ["id"] = o["id"]!.DeepClone(), ["status"] = o["status"]!.DeepClone(), ["total"] = o["total"]!.DeepClone(),
                    ["item_count"] = 1, ["created_at"] = At(o["created_at"]!),
                })]),
            },
            ["wallet"] = new JsonObject { ["balance"] = 800_000, ["currency"] = "VND" },
            ["payment_status"] = new JsonObject
            {
                ["order_id"] = pending.OrderId, ["payment_id"] = pending.PaymentId, ["status"] = "PENDING", ["amount"] = 100_000, ["paid_at"] = null,
            },
            ["notifications"] = new JsonObject { ["unread"] = 2 },
            ["recent_activity"] = activity,
            ["degraded"] = new JsonArray(),
        };
        return (expected, customer);
    }

    private static async Task<PlacedOrder> PlaceAsync(HttpClient client, string product, int quantity)
    {
        var reply = await client.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product, quantity), Api.NewKey());
        Assert.True(reply.Status == HttpStatusCode.Created, reply.ToString());
        var order = reply.Json!;
        return new PlacedOrder(order["id"]!.GetValue<string>(), order["payment"]!["id"]!.GetValue<string>(), order["payment"]!["pay_url"]!.GetValue<string>(),
            order["total"]!.GetValue<long>(), DateTimeOffset.Parse(order["expires_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
    }

    public static void AssertSame(JsonNode expected, Reply actual)
    {
        Assert.True(actual.Status == HttpStatusCode.OK, actual.ToString());
        Assert.True(JsonNode.DeepEquals(expected, actual.Json), $"expected {expected.ToJsonString()}\nactual   {actual.Body}");
    }
}
