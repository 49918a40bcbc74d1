using Grains.Orders;
using Grains.Persistence.Storage;
using Grains.Products;
using Microsoft.Extensions.DependencyInjection;

namespace Grains.Tests;

/// <summary>
/// Flash sales (case C17): units are held only within the sale's window, at most the per-buyer limit per customer
/// whatever the number of orders or retries, and a sold-out or closed sale refuses from the grain's memory.
/// </summary>
public sealed class FlashSaleTests : IAsyncLifetime
{
    private readonly CountingProductStore _store = new();
    private CommerceCluster _commerce = null!;

    public async Task InitializeAsync()
        => _commerce = await CommerceCluster.StartAsync(services: services => services.AddSingleton<IGrainStateStore<ProductState>>(_store));

    public async Task DisposeAsync() => await _commerce.DisposeAsync();

    private DateTimeOffset Now => _commerce.Time.GetUtcNow();

    /// <summary>Past every clock advance here: no hold lapses in these tests.</summary>
    private DateTimeOffset HoldUntil => Now.AddDays(1);

    private IProductGrain Product(string id) => _commerce.Grains.GetGrain<IProductGrain>(id);

    /// <summary>A product on a sale that opens in an hour and lasts an hour.</summary>
    private async Task<IProductGrain> OnSaleAsync(string id, int stock, int perBuyerLimit = 1)
    {
        var created = await Product(id).Create(new NewProduct("Phone", 9_990_000, 0));
        var sale = new FlashSale(Now.AddHours(1), Now.AddHours(2), perBuyerLimit, stock);
        var written = await Product(id).SetSale(sale, created.Product!.Version);
        Assert.Equal(ProductWriteStatus.Done, written.Status);
        Assert.Equal((stock, sale), (written.Product!.StockAvailable, written.Product.Sale));
        return Product(id);
    }

    [Fact]
    public async Task A_sale_holds_units_only_within_its_window()
    {
        var product = await OnSaleAsync("phone-1", stock: 10);

        var early = await product.Reserve("o-early", 1, HoldUntil, "alice");
        Assert.Equal((ReservationStatus.SaleNotStarted, Now.AddHours(1)), (early.Status, early.SaleStartsAt));
        Assert.Equal(ReservationStatus.SaleNotStarted, (await product.Admit("o-early", 1, "alice")).Status);

        _commerce.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(ReservationStatus.Reserved, (await product.Reserve("o-open", 1, HoldUntil, "alice")).Status);

        _commerce.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(ReservationStatus.SaleEnded, (await product.Reserve("o-late", 1, HoldUntil, "bob")).Status);
        Assert.Equal(9, (await product.Get())!.StockAvailable);
    }

    [Fact]
    public async Task A_buyer_gets_no_more_than_the_limit_across_orders_and_retries_and_a_release_gives_it_back()
    {
        var product = await OnSaleAsync("phone-2", stock: 10, perBuyerLimit: 2);
        _commerce.Time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(ReservationStatus.Reserved, (await product.Reserve("o-1", 1, HoldUntil, "alice")).Status);
        Assert.Equal(ReservationStatus.AlreadyReserved, (await product.Reserve("o-1", 1, HoldUntil, "alice")).Status);
        Assert.Equal(ReservationStatus.PurchaseLimitReached, (await product.Reserve("o-2", 2, HoldUntil, "alice")).Status);
        Assert.Equal(ReservationStatus.Reserved, (await product.Reserve("o-3", 1, HoldUntil, "alice")).Status);
        Assert.Equal(ReservationStatus.PurchaseLimitReached, (await product.Reserve("o-4", 1, HoldUntil, "alice")).Status);
        Assert.Equal(ReservationStatus.PurchaseLimitReached, (await product.Admit("o-4", 1, "alice")).Status);
        Assert.Equal(ReservationStatus.Reserved, (await product.Admit("o-1", 1, "alice")).Status);
        Assert.Equal(ReservationStatus.Reserved, (await product.Reserve("o-5", 2, HoldUntil, "bob")).Status);

        // A sold order keeps counting; a released one does not.
        Assert.Equal(SaleStatus.Sold, (await product.Commit(new SellUnits("o-1", 1, 9_990_000, "alice"))).Status);
        await product.Release("o-3");
        Assert.Equal(ReservationStatus.Reserved, (await product.Reserve("o-6", 1, HoldUntil, "alice")).Status);
        Assert.Equal(ReservationStatus.PurchaseLimitReached, (await product.Reserve("o-7", 1, HoldUntil, "alice")).Status);
        Assert.Equal(10 - 1 - 2 - 1, (await product.Get())!.StockAvailable);
    }

    [Fact]
    public async Task Concurrent_buyers_retrying_their_orders_get_one_unit_each_until_the_sale_stock_is_gone()
    {
        var product = await OnSaleAsync("phone-3", stock: 100);
        _commerce.Time.Advance(TimeSpan.FromHours(1));

        // 300 buyers, each placing 3 orders and sending each one twice, all at once.
        var attempts = Enumerable.Range(0, 300).SelectMany(buyer => Enumerable.Range(0, 3).SelectMany(order => Enumerable.Repeat((Buyer: $"buyer-{buyer}", Order: $"o-{buyer}-{order}"), 2)));
        var outcomes = await Task.WhenAll(attempts.Select(a => Task.Run(async () => (a.Buyer, a.Order, (await product.Reserve(a.Order, 1, HoldUntil, a.Buyer)).Status))));

        var holding = outcomes.Where(o => o.Status is ReservationStatus.Reserved or ReservationStatus.AlreadyReserved).ToList();
        Assert.Equal(100, holding.Select(o => o.Order).Distinct().Count());
        Assert.Equal(100, holding.Select(o => o.Buyer).Distinct().Count());
        Assert.All(holding.GroupBy(o => o.Buyer), buyer => Assert.Single(buyer.Select(o => o.Order).Distinct()));
        Assert.Equal(100, outcomes.Count(o => o.Status == ReservationStatus.Reserved));
        Assert.Equal(0, (await product.Get())!.StockAvailable);
    }

    [Fact]
    public async Task A_sold_out_sale_refuses_from_memory_without_touching_storage()
    {
        var product = await OnSaleAsync("phone-4", stock: 1);
        _commerce.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(ReservationStatus.Reserved, (await product.Reserve("o-1", 1, HoldUntil, "alice")).Status);
        var (reads, writes) = (_store.Reads, _store.Writes);

        Assert.Equal(ReservationStatus.OutOfStock, (await product.Reserve("o-2", 1, HoldUntil, "bob")).Status);
        Assert.Equal(ReservationStatus.OutOfStock, (await product.Admit("o-3", 1, "carol")).Status);
        Assert.Equal(0, (await product.Get())!.StockAvailable);

        Assert.Equal((reads, writes), (_store.Reads, _store.Writes));
    }

    [Fact]
    public async Task A_buyers_count_survives_the_products_deactivation()
    {
        var product = await OnSaleAsync("phone-5", stock: 10, perBuyerLimit: 2);
        _commerce.Time.Advance(TimeSpan.FromHours(1));
        await product.Reserve("o-1", 2, HoldUntil, "alice");
        await product.Reserve("o-2", 1, HoldUntil, "bob");
        var reads = _store.Reads;

        await _commerce.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        Assert.Equal(ReservationStatus.PurchaseLimitReached, (await product.Reserve("o-3", 1, HoldUntil, "alice")).Status);
        Assert.Equal(reads + 1, _store.Reads);
        Assert.Equal(ReservationStatus.Reserved, (await product.Reserve("o-4", 1, HoldUntil, "bob")).Status);
        await product.Release("o-1");
        Assert.Equal(ReservationStatus.Reserved, (await product.Reserve("o-5", 2, HoldUntil, "alice")).Status);
        Assert.Equal(10 - 2 - 1 - 1, (await product.Get())!.StockAvailable);
    }

    [Fact]
    public async Task The_order_saga_answers_each_refusal_of_a_sale_and_holds_nothing()
    {
        await OnSaleAsync("phone-6", stock: 2);
        await Product("case").Create(new NewProduct("Case", 100_000, 5));
        PlaceOrder Command(string customer, string product = "phone-6") => new(customer, customer, [new OrderLineRequest("case", 1), new OrderLineRequest(product, 1)], null);
        IOrderGrain Order(string id) => _commerce.Grains.GetGrain<IOrderGrain>(id);

        var early = await Order("o-early").Place(Command("alice"));
        Assert.Equal((PlacementStatus.SaleNotStarted, TimeSpan.FromHours(1)), (early.Status, early.RetryAfter));
        Assert.Equal(["phone-6"], early.ProductIds.AsEnumerable());

        // Opened; no clock advance after this, so no order or hold expires on its own.
        _commerce.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(PlacementStatus.Placed, (await Order("o-1").Place(Command("alice"))).Status);
        Assert.Equal(PlacementStatus.PurchaseLimitReached, (await Order("o-2").Place(Command("alice"))).Status);
        Assert.Equal(PlacementStatus.Placed, (await Order("o-3").Place(Command("bob"))).Status);
        Assert.Equal(PlacementStatus.OutOfStock, (await Order("o-4").Place(Command("carol"))).Status);
        await Order("o-1").Cancel();
        Assert.Equal(PlacementStatus.Placed, (await Order("o-5").Place(Command("carol"))).Status);

        var over = await Product("tablet").Create(new NewProduct("Tablet", 1, 0));
        await Product("tablet").SetSale(new FlashSale(Now.AddHours(-2), Now.AddMinutes(-1), 1, 5), over.Product!.Version);
        Assert.Equal(PlacementStatus.SaleEnded, (await Order("o-6").Place(Command("dave", "tablet"))).Status);

        Assert.Equal(5 - 2, (await Product("case").Get())!.StockAvailable);
        Assert.Equal(0, (await Product("phone-6").Get())!.StockAvailable);
    }

    [Fact]
    public async Task A_sale_is_set_only_at_the_version_named_and_only_when_valid()
    {
        var created = await Product("phone-7").Create(new NewProduct("Phone", 1, 3));
        var sale = new FlashSale(Now, Now.AddHours(1), 1, 5);

        Assert.Equal(ProductWriteStatus.VersionMismatch, (await Product("phone-7").SetSale(sale, created.Product!.Version + 1)).Status);
        Assert.Equal(ProductWriteStatus.NotFound, (await Product("none").SetSale(sale, 1)).Status);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Product("phone-7").SetSale(sale with { EndsAt = sale.StartsAt }, created.Product.Version));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Product("phone-7").SetSale(sale with { PerBuyerLimit = 0 }, created.Product.Version));

        Assert.Equal(created.Product, await Product("phone-7").Get());
    }

    /// <summary>The in-memory product store, counting what the grain asks of it.</summary>
    private sealed class CountingProductStore : IGrainStateStore<ProductState>
    {
        private readonly InMemoryStateStore<ProductState> _inner = new();
        private int _reads;
        private int _writes;

        public int Reads => Volatile.Read(ref _reads);

        public int Writes => Volatile.Read(ref _writes);

        public Task<StoredState<ProductState>?> ReadAsync(string grainKey, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            return _inner.ReadAsync(grainKey, cancellationToken);
        }

        public Task<long> WriteAsync(string grainKey, ProductState state, long? expectedEtag, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _writes);
            return _inner.WriteAsync(grainKey, state, expectedEtag, cancellationToken);
        }

        public Task ClearAsync(string grainKey, long expectedEtag, CancellationToken cancellationToken) => _inner.ClearAsync(grainKey, expectedEtag, cancellationToken);
    }
}
