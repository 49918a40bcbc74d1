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
    /// <summary>The demo catalog, priced in whole đồng as a Vietnamese shop would price it (VND has no minor unit).</summary>
    public static IReadOnlyList<DemoProduct> Products { get; } =
    [
        new("sku-phone-x", "Phone X 128 GB", 25_990_000, 50),
        new("sku-laptop-14", "Laptop 14\" Ultrabook", 28_990_000, 20),
        new("sku-earbuds", "Wireless Earbuds", 1_490_000, 200),
        new("sku-charger-65w", "65 W USB-C Charger", 590_000, 500),
        new("sku-coffee-1kg", "Arabica Coffee Beans 1 kg", 450_000, 300),
        new("sku-backpack", "Commuter Backpack", 890_000, 80),
        new(FlashSaleProductId, "Flash Sale: Smart Watch", 990_000, 100),
    ];

    public const string FlashSaleProductId = "flash-sale-1";

    /// <summary>What alice and bob start with: enough for a few demo orders (100,000,000 ₫).</summary>
    public const long OpeningBalance = 100_000_000;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.SeedDemoData)
        {
            return;
        }

        await Task.WhenAll(Products.Select(p => grains.GetGrain<IProductGrain>(p.Id).Create(new NewProduct(p.Name, p.Price, p.Stock))));

        // On sale from the start for a week, two per customer: the flash-sale rules can be tried at once. At version 1
        // only, so a product that was already there and changed is left as it is.
        var now = time.GetUtcNow();
        await grains.GetGrain<IProductGrain>(FlashSaleProductId).SetSale(new FlashSale(now, now.AddDays(7), PerBuyerLimit: 2, Stock: 100), expectedVersion: 1);
        await grains.GetGrain<ICouponGrain>("WELCOME10").Define(new CouponDefinition(PercentOff: 10, AmountOff: 0, UsageLimit: 1_000, ExpiresAt: time.GetUtcNow().AddYears(1)));
        await Task.WhenAll(new[] { "alice", "bob" }.Select(user => grains.GetGrain<IWalletGrain>(user).Credit(OpeningBalance, "demo-opening-balance")));
        LogSeeded(logger, Products.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1, LogLevel.Information, "Seeded {ProductCount} demo products, coupon WELCOME10 and wallets for alice and bob.")]
    private static partial void LogSeeded(ILogger logger, int productCount);
}

/// <summary>A product of the demo catalog.</summary>
/// <param name="Price">Whole đồng.</param>
public sealed record DemoProduct(string Id, string Name, long Price, int Stock);
