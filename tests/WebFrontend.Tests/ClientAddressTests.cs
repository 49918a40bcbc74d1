using System.Net;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>
/// The customer's address an order sends VNPay (<c>vnp_IpAddr</c> in its pay URL) is the socket's peer, unless that
/// peer is a proxy configured under "ForwardedHeaders": only then does its <c>X-Forwarded-For</c> count. Through a
/// front end on a real socket, so the peer is this test's own connection from loopback.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ClientAddressTests(ApiCluster api)
{
    private const string ClaimedAddress = "203.0.113.7";

    [Theory]
    [InlineData(null, null, false)]             // no proxy configured (the default): nobody's header counts
    [InlineData("192.0.2.1", null, false)]      // a proxy is configured, but the peer is not it
    [InlineData(null, "198.51.100.0/24", false)]
    [InlineData("127.0.0.1", null, true)]       // the peer is a configured proxy
    [InlineData(null, "127.0.0.0/8", true)]     // the peer is in a configured proxy network
    public async Task Forwarded_for_counts_only_from_a_configured_proxy(string? proxy, string? network, bool honoured)
    {
        var settings = new Dictionary<string, string>();
        if (proxy is not null)
        {
            settings["ForwardedHeaders:KnownProxies:0"] = proxy;
        }

        if (network is not null)
        {
            settings["ForwardedHeaders:KnownNetworks:0"] = network;
        }

        await using var frontEnd = FrontEnd.Listening(api.ConnectionString, settings);
        await frontEnd.ConnectedAsync();
        var product = await Seed.ProductAsync(frontEnd, stock: 1);
        using var client = frontEnd.ClientFor(Tokens.Customer(Seed.UniqueId("ip")));
        var request = Api.Request(HttpMethod.Post, "/api/v1/orders", Seed.OrderBody(product), Api.NewKey());
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", ClaimedAddress);

        var reply = await Reply.ReadAsync(await client.SendAsync(request));

        Assert.True(reply.Status == HttpStatusCode.Created, reply.ToString());
        var payUrl = new Uri(reply.Json!["payment"]!["pay_url"]!.GetValue<string>());
        var clientIp = ReferenceVnPayChecksum.ParseQueryString(payUrl.Query).Single(p => p.Key == "vnp_IpAddr").Value;
        Assert.Equal(honoured ? ClaimedAddress : "127.0.0.1", clientIp);
    }
}
