using System.Net;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests.CustomerDashboard;

/// <summary>Case C2: the dashboard of a customer with orders, a wallet and payments, exactly, in both modes; and only for a signed-in caller.</summary>
[Collection(ApiCollection.Name)]
public sealed class DashboardResponseTests(ApiCluster api)
{
    [Fact]
    public async Task A_customer_sees_their_orders_wallet_payment_notifications_and_activity_read_from_postgres()
    {
        var (expected, customer) = await DashboardScenario.RunAsync(api.A.ClientFor, postgres: true);

        using var client = api.B.ClientFor(Tokens.Customer(customer));
        DashboardScenario.AssertSame(expected, await client.GetJsonAsync("/api/v1/me/dashboard"));
    }

    [Fact]
    public async Task A_customer_sees_the_same_dashboard_in_the_embedded_mode()
    {
        await using var embedded = new EmbeddedFrontEnd();
        var (expected, customer) = await DashboardScenario.RunAsync(embedded.ClientFor, postgres: false);

        using var client = embedded.ClientFor(Tokens.Customer(customer));
        DashboardScenario.AssertSame(expected, await client.GetJsonAsync("/api/v1/me/dashboard"));
    }

    [Fact]
    public async Task A_user_without_orders_or_wallet_gets_their_token_name_zeros_and_nulls()
    {
        var user = Seed.UniqueId("new");
        using var client = api.A.ClientFor(Tokens.For(user, "staff"));

        var reply = await client.GetJsonAsync("/api/v1/me/dashboard");

        DashboardScenario.AssertSame(System.Text.Json.Nodes.JsonNode.Parse($$"""
            {"user":{"id":"{{user}}","name":"Customer {{user}}","member_since":null},
             "permissions":["order:cancel:own","order:create","order:read","order:read:own","order:update","product:read","upload:create","wallet:debit:own","wallet:read:own"],
             "order_summary":{"total":0,"by_status":{"PENDING_PAYMENT":0,"PAID":0,"FULFILLED":0,"CANCELLED":0,"EXPIRED":0,"REFUNDED":0},"recent":[]},
             "wallet":null,"payment_status":null,"notifications":{"unread":0},"recent_activity":[],"degraded":[]}
            """)!, reply);
    }

    [Fact]
    public async Task Without_a_valid_token_the_dashboard_is_401()
    {
        using var anonymous = api.A.ClientFor(null);
        using var expired = api.A.ClientFor(Tokens.Expired("alice", "customer"));

        foreach (var client in new[] { anonymous, expired })
        {
            var reply = await client.GetJsonAsync("/api/v1/me/dashboard");
            Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
            Assert.Equal("https://errors.example/unauthorized", reply.ProblemType);
            Assert.StartsWith("Bearer", reply.Header("WWW-Authenticate"), StringComparison.Ordinal);
        }
    }
}
