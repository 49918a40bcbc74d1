using System.Net;
using System.Text.Json.Nodes;
using Npgsql;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>An order as placed through the API, with its payment.</summary>
public sealed record PlacedOrder(string OrderId, string PaymentId, string PayUrl, long Total, DateTimeOffset ExpiresAt);

/// <summary>Placing orders and waiting on them through the HTTP API, and forging the gateway's IPN as VNPay signs it.</summary>
public static class Checkout
{
    public static async Task<PlacedOrder> PlaceAsync(FrontEnd api, string customer, string productId, int quantity = 1)
    {
        using var client = api.ClientFor(Tokens.Customer(customer));
        var reply = await client.PostJsonAsync("/api/v1/orders", Seed.OrderBody(productId, quantity), Api.NewKey());
        Assert.True(reply.Status == HttpStatusCode.Created, reply.ToString());
        var order = reply.Json!;
        return new PlacedOrder(
            order["id"]!.GetValue<string>(),
            order["payment"]!["id"]!.GetValue<string>(),
            order["payment"]!["pay_url"]!.GetValue<string>(),
            order["total"]!.GetValue<long>(),
            DateTimeOffset.Parse(order["expires_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The order as the API shows it once it reaches <paramref name="status"/>, woken by the database's notice of each
    /// order status change (answers of 503 while a silo is taken over included).
    /// </summary>
    public static async Task<JsonNode> WaitForStatusAsync(NpgsqlDataSource database, FrontEnd api, string orderId, string status, TimeSpan? within = null)
    {
        using var client = api.ClientFor(Seed.Admin);
        var reply = await OrderStatusSignal.WaitAsync(
            database,
            async () =>
            {
                var reply = await client.GetJsonAsync($"/api/v1/orders/{orderId}");
                return (reply.Status == HttpStatusCode.OK && reply.Json!["status"]!.GetValue<string>() == status, reply);
            },
            within ?? TimeSpan.FromSeconds(30),
            last => $"order {orderId} is not {status}; last answer: {last}");
        return reply.Json!;
    }

    /// <summary>
    /// The simulator's IPN deliveries for a payment once <paramref name="count"/> of them got an answer. The order may be
    /// paid by polling before the IPN lands.
    /// </summary>
    public static async Task<IReadOnlyList<SimulatedIpnAttempt>> WaitForIpnAnswersAsync(GatewaySimulator gateway, string paymentId, int count)
        => [.. (await gateway.WaitForIpnLogAsync(paymentId, log => log.Count(d => d.RspCode is not null) >= count)).Where(d => d.RspCode is not null)];

    /// <summary>Stock available, as anyone can read it.</summary>
    public static async Task<int> StockAsync(FrontEnd api, string productId)
    {
        using var client = api.ClientFor(null);
        return (await client.GetJsonAsync($"/api/v1/products/{productId}")).Json!["stock_available"]!.GetValue<int>();
    }

    /// <summary>The IPN VNPay would send for <paramref name="order"/>, signed by the reference algorithm (not the product's).</summary>
    public static string IpnQuery(PlacedOrder order, string transactionNo, bool success, long? amount = null, string? paymentId = null)
    {
        var fields = new Dictionary<string, string>
        {
            ["vnp_Amount"] = ((amount ?? order.Total) * 100).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["vnp_BankCode"] = "NCB",
            ["vnp_BankTranNo"] = "VNP" + transactionNo,
            ["vnp_CardType"] = "ATM",
            ["vnp_OrderInfo"] = "Thanh toan don hang " + order.OrderId,
            ["vnp_PayDate"] = "20261122103000",
            ["vnp_ResponseCode"] = success ? "00" : "24",
            ["vnp_TmnCode"] = TestPayments.TmnCode,
            ["vnp_TransactionNo"] = transactionNo,
            ["vnp_TransactionStatus"] = success ? "00" : "02",
            ["vnp_TxnRef"] = paymentId ?? order.PaymentId,
        };
        var data = ReferenceVnPayChecksum.QueryStringData(fields);
        return data + "&vnp_SecureHash=" + ReferenceVnPayChecksum.HmacSha512Hex(TestPayments.HashSecret, data);
    }

    /// <summary>Calls the IPN endpoint as the gateway does (no token) and answers its RspCode.</summary>
    public static async Task<string> SendIpnAsync(HttpClient anonymous, string query)
    {
        var reply = await anonymous.GetJsonAsync("/api/v1/webhooks/vnpay/ipn?" + query);
        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
        return reply.Json!["RspCode"]!.GetValue<string>();
    }
}
