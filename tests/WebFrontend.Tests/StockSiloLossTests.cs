using Grains.Products;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>
/// Stock under load survives a crash (cases C4 and C15): the silo process serving a hot product is killed with -9
/// while buyers reserve, a buyer whose answer was lost asks again under the same order id, and afterwards every
/// confirmed reservation is stored and no unit is sold twice.
/// </summary>
public sealed class StockSiloLossTests(StockSiloLossCluster cluster) : IClassFixture<StockSiloLossCluster>
{
    private const int Units = 600;

    [Fact]
    public async Task Killing_the_silo_of_a_hot_product_under_load_loses_no_confirmed_reservation_and_oversells_nothing()
    {
        var productId = await Seed.ProductAsync(cluster.Api, stock: Units);
        var product = cluster.Grains.GetGrain<IProductGrain>(productId);
        var host = await cluster.HostOfAsync(product);

        var outcome = await StockLoad.SellOutAsync(product, Units, buyers: 12, atHalfSold: host.KillAsync);

        Assert.Equal(Units, outcome.Confirmed);
        Assert.Equal(Units, await cluster.CountAsync("SELECT count(*) FROM product_holds WHERE product_id = $1", productId));
        Assert.Equal(Units, await cluster.CountAsync("SELECT coalesce(sum(quantity), 0) FROM product_holds WHERE product_id = $1", productId));
        Assert.Equal(0, await cluster.CountAsync("SELECT available FROM products WHERE id = $1", productId));
    }
}
