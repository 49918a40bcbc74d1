using Grains.Coupons;
using Grains.Products;
using Grains.Wallets;
using Microsoft.Extensions.Options;
using WebFrontend.Http;

namespace WebFrontend.Hosting;

/// <summary>
/// Seeds the embedded, in-memory host so it can be tried at once: a small catalog, a flash-sale product, a coupon and
/// wallets for the built-in customers. Runs after the in-process silo has started (hosted services start in order).
/// </summary>
public sealed partial class DemoData(IGrainFactory grains, IOptions<FrontendOptions> options, TimeProvider time, ILogger<DemoData> logger) : IHostedService
{
    private static readonly (string Id, string Name, long Price, int Stock)[] s_products =
    [
        ("sku-phone-x", "Phone X 128 GB", 2_599_000_000, 50),
        ("sku-laptop-14", "Laptop 14\" Ultrabook", 2_899_000_000, 20),
        ("sku-earbuds", "Wireless Earbuds", 149_000_000, 200),
        ("sku-charger-65w", "65 W USB-C Charger", 59_000_000, 500),
        ("sku-coffee-1kg", "Arabica Coffee Beans 1 kg", 45_000_000, 300),
        ("sku-backpack", "Commuter Backpack", 89_000_000, 80),
        ("flash-sale-1", "Flash Sale: Smart Watch", 99_000_000, 100),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.SeedDemoData)
        {
            return;
        }

        await Task.WhenAll(s_products.Select(p => grains.GetGrain<IProductGrain>(p.Id).Create(new NewProduct(p.Name, p.Price, p.Stock))));
        await grains.GetGrain<ICouponGrain>("WELCOME10").Define(new CouponDefinition(PercentOff: 10, AmountOff: 0, UsageLimit: 1_000, ExpiresAt: time.GetUtcNow().AddYears(1)));
        await Task.WhenAll(new[] { "alice", "bob" }.Select(user => grains.GetGrain<IWalletGrain>(user).Credit(10_000_000_000, "demo-opening-balance")));
        LogSeeded(logger, s_products.Length);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1, LogLevel.Information, "Seeded {ProductCount} demo products, coupon WELCOME10 and wallets for alice and bob.")]
    private static partial void LogSeeded(ILogger logger, int productCount);
}
