using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebFrontend.Hosting;
using WebFrontend.Http;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>
/// The demo data ./run.sh seeds (issue 11, item 10) is priced in đồng, as VND has no minor unit, and the README's
/// example order reaches VNPay as its total × 100, exactly. Seeded by the embedded host's own <see cref="DemoData"/>
/// into the test cluster, and read back through the API as a client would.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class DemoDataTests(ApiCluster api)
{
    private static readonly string[] s_demoProductIds =
        ["sku-phone-x", "sku-laptop-14", "sku-earbuds", "sku-charger-65w", "sku-coffee-1kg", "sku-backpack", "flash-sale-1"];

    [Fact]
    public async Task The_demo_catalogue_and_wallets_are_in_whole_dong_and_the_readme_order_pays_its_total_times_100()
    {
        await new DemoData(api.Grains, Options.Create(new FrontendOptions()), TimeProvider.System, NullLogger<DemoData>.Instance).StartAsync(CancellationToken.None);
        using var anonymous = api.A.ClientFor(null);
        using var admin = api.A.ClientFor(Seed.Admin);
        using var alice = api.A.ClientFor(Tokens.Customer("alice"));

        var prices = new Dictionary<string, long>();
        foreach (var id in s_demoProductIds)
        {
            var product = await anonymous.GetJsonAsync($"/api/v1/products/{id}");
            Assert.True(product.Status == HttpStatusCode.OK, product.ToString());
            prices[id] = product.Json!["price"]!.GetValue<long>();
        }

        // A shop's prices in đồng: whole thousands, from a bag of coffee to a laptop, never hundreds of millions.
        Assert.All(prices, price => Assert.True(price.Value is >= 10_000 and <= 100_000_000 && price.Value % 1_000 == 0, $"{price.Key} costs {price.Value:N0} đồng"));
        Assert.Equal(25_990_000, prices["sku-phone-x"]);
        var flashSale = await anonymous.GetJsonAsync("/api/v1/products/flash-sale-1");
        Assert.Equal((2, 100), (flashSale.Json!["sale"]!["per_buyer_limit"]!.GetValue<int>(), flashSale.Json["sale"]!["stock"]!.GetValue<int>()));
        var wallet = await admin.GetJsonAsync("/api/v1/wallets/alice");
        Assert.Equal(100_000_000, wallet.Json!["balance"]!.GetValue<long>());

        // The README's order: one Phone X with WELCOME10.
        var order = await alice.PostJsonAsync("/api/v1/orders", Seed.OrderBody("sku-phone-x", coupon: "WELCOME10"), Api.NewKey());

        Assert.True(order.Status == HttpStatusCode.Created, order.ToString());
        Assert.Equal((25_990_000L, 2_599_000L, 23_391_000L, "VND"), (
            order.Json!["subtotal"]!.GetValue<long>(), order.Json["discount"]!.GetValue<long>(), order.Json["total"]!.GetValue<long>(), order.Json["currency"]!.GetValue<string>()));
        var payUrl = new Uri(order.Json["payment"]!["pay_url"]!.GetValue<string>());
        var fields = ReferenceVnPayChecksum.ParseQueryString(payUrl.Query).ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(("2339100000", "VND"), (fields["vnp_Amount"], fields["vnp_CurrCode"]));
    }
}
