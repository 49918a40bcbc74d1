using Grains.Products;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>
/// A silo stopped with SIGTERM (a deploy, a scale-in) hands its grains over: under load, every reservation is confirmed
/// (at most retried once its answer was lost), stored exactly once, and the silo leaves the cluster as dead, cleanly.
/// </summary>
public sealed class GracefulHandoverTests(GracefulHandoverCluster cluster) : IClassFixture<GracefulHandoverCluster>
{
    private const int Units = 400;

    [Fact]
    public async Task Terminating_the_silo_of_a_hot_product_under_load_hands_it_over_with_nothing_lost()
    {
        var productId = await Seed.ProductAsync(cluster.Api, stock: Units);
        var product = cluster.Grains.GetGrain<IProductGrain>(productId);
        var host = await cluster.HostOfAsync(product);

        var outcome = await StockLoad.SellOutAsync(product, Units, buyers: 8, atHalfSold: () => host.TerminateAsync(TimeSpan.FromMinutes(1)));

        Assert.Equal(Units, outcome.Confirmed);
        Assert.Equal(Units, await cluster.CountAsync("SELECT count(*) FROM product_holds WHERE product_id = $1", productId));
        Assert.Equal(0, await cluster.CountAsync("SELECT available FROM products WHERE id = $1", productId));
        Assert.True(host.HasExited);
        Assert.Equal(0, host.ExitCode);
        Assert.Equal(6, await cluster.CountAsync("SELECT status FROM orleans_membership WHERE port = $1", host.SiloPort));
        Assert.Equal(1, await cluster.CountAsync("SELECT count(*) FROM orleans_membership WHERE status = 3"));
    }
}
