using Grains.Products;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>
/// Stock under load survives a crash (cases C4 and C15): the silo serving a hot product is killed with -9 while buyers
/// reserve, a buyer whose answer was lost asks again under the same order id, and afterwards every confirmed
/// reservation is stored and no unit is sold twice.
/// </summary>
public sealed class StockSiloLossTests(StockSiloLossCluster cluster) : IClassFixture<StockSiloLossCluster>
{
    private const int Units = 600;
    private const int Buyers = 12;

    [Fact]
    public async Task Killing_the_silo_of_a_hot_product_under_load_loses_no_confirmed_reservation_and_oversells_nothing()
    {
        var productId = await Seed.ProductAsync(cluster.Api, stock: Units);
        var product = cluster.Grains.GetGrain<IProductGrain>(productId);
        var host = await cluster.HostOfAsync(product);
        var confirmed = 0;
        var halfSold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holdUntil = DateTimeOffset.UtcNow.AddHours(1);

        async Task BuyAsync(int buyer)
        {
            for (var purchase = 0; ; purchase++)
            {
                var outcome = await ReserveUntilAnsweredAsync(product, $"order-{buyer}-{purchase}", holdUntil);
                if (!outcome.Holds)
                {
                    return;
                }

                if (Interlocked.Increment(ref confirmed) == Units / 2)
                {
                    halfSold.TrySetResult();
                }
            }
        }

        var buyers = Enumerable.Range(0, Buyers).Select(BuyAsync).ToList();
        await halfSold.Task.WaitAsync(TimeSpan.FromMinutes(2));
        await host.KillAsync();
        await Task.WhenAll(buyers).WaitAsync(TimeSpan.FromMinutes(3));

        Assert.Equal(Units, confirmed);
        Assert.Equal(Units, await cluster.CountAsync("SELECT count(*) FROM product_holds WHERE product_id = $1", productId));
        Assert.Equal(0, await cluster.CountAsync("SELECT available FROM products WHERE id = $1", productId));
        Assert.Equal(Units, await cluster.CountAsync("SELECT coalesce(sum(quantity), 0) FROM product_holds WHERE product_id = $1", productId));
    }

    /// <summary>A reservation whose answer was lost (its silo died) is asked again under the same order id: idempotent.</summary>
    private static async Task<ReservationOutcome> ReserveUntilAnsweredAsync(IProductGrain product, string orderId, DateTimeOffset holdUntil)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            try
            {
                return await product.Reserve(orderId, 1, holdUntil);
            }
            catch (Exception exception) when (DateTime.UtcNow < deadline && WebFrontend.Http.GrainExceptionHandler.IsUnavailable(exception))
            {
                // Answered as unavailable: the call is retried at once; Orleans routes it to the product's next activation.
            }
        }
    }
}
