using Grains.Products;

namespace Grains.Tests;

public sealed class ProductGrainTests : IAsyncLifetime
{
    private CommerceCluster _commerce = null!;

    public async Task InitializeAsync() => _commerce = await CommerceCluster.StartAsync();

    public async Task DisposeAsync() => await _commerce.DisposeAsync();

    private IProductGrain Product(string id) => _commerce.Grains.GetGrain<IProductGrain>(id);

    private DateTimeOffset HoldUntil => _commerce.Time.GetUtcNow().AddMinutes(20);

    [Fact]
    public async Task Creating_twice_answers_already_exists_and_changes_nothing()
    {
        var created = await Product("sku-1").Create(new NewProduct("Laptop", 25_990_000, 5));
        var again = await Product("sku-1").Create(new NewProduct("Other", 1, 1));

        Assert.Equal(ProductWriteStatus.Done, created.Status);
        Assert.Equal(ProductWriteStatus.AlreadyExists, again.Status);
        Assert.Equal(created.Product, again.Product);
    }

    [Fact]
    public async Task An_update_against_a_stale_version_is_refused()
    {
        var created = await Product("sku-2").Create(new NewProduct("Laptop", 100, 5));
        var updated = await Product("sku-2").Update(new ProductChanges("Laptop Pro", 120), created.Product!.Version);
        var stale = await Product("sku-2").Update(new ProductChanges("Laptop Max", 150), created.Product.Version);

        Assert.Equal(ProductWriteStatus.Done, updated.Status);
        Assert.Equal(("Laptop Pro", 120L, 2L), (updated.Product!.Name, updated.Product.Price, updated.Product.Version));
        Assert.Equal(ProductWriteStatus.VersionMismatch, stale.Status);
        Assert.Equal("Laptop Pro", (await Product("sku-2").Get())!.Name);
    }

    [Fact]
    public async Task Stock_never_goes_below_zero()
    {
        await Product("sku-3").Create(new NewProduct("Mouse", 10, 2));

        Assert.Equal(ProductWriteStatus.WouldGoNegative, (await Product("sku-3").AdjustStock(-3, "count")).Status);
        Assert.Equal(0, (await Product("sku-3").AdjustStock(-2, "count")).Product!.StockAvailable);
        Assert.Equal(ProductWriteStatus.NotFound, (await Product("nope").AdjustStock(1, "count")).Status);
    }

    [Fact]
    public async Task A_reservation_holds_units_once_however_often_it_is_retried_and_release_returns_them()
    {
        await Product("sku-4").Create(new NewProduct("Pen", 5, 10));

        var first = await Product("sku-4").Reserve("order-1", 3, HoldUntil, "buyer");
        var retried = await Product("sku-4").Reserve("order-1", 3, HoldUntil, "buyer");
        Assert.Equal(ReservationStatus.Reserved, first.Status);
        Assert.Equal(ReservationStatus.AlreadyReserved, retried.Status);
        Assert.Equal(7, (await Product("sku-4").Get())!.StockAvailable);

        await Product("sku-4").Release("order-1");
        await Product("sku-4").Release("order-1");
        Assert.Equal(10, (await Product("sku-4").Get())!.StockAvailable);
    }

    [Fact]
    public async Task The_last_unit_goes_to_exactly_one_of_a_thousand_concurrent_buyers()
    {
        await Product("sku-5").Create(new NewProduct("Flash sale", 1, 1));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 1_000).Select(i => Task.Run(() => Product("sku-5").Reserve($"order-{i}", 1, HoldUntil, "buyer"))));

        Assert.Single(outcomes, o => o.Status == ReservationStatus.Reserved);
        Assert.Equal(999, outcomes.Count(o => o.Status == ReservationStatus.OutOfStock));
        Assert.Equal(0, (await Product("sku-5").Get())!.StockAvailable);
    }

    [Fact]
    public async Task Holds_past_their_time_give_their_stock_back_but_sold_ones_do_not()
    {
        await Product("sku-6").Create(new NewProduct("Cup", 3, 10));
        var holdUntil = _commerce.Time.GetUtcNow().AddSeconds(30);
        await Product("sku-6").Reserve("abandoned", 2, holdUntil, "buyer");
        await Product("sku-6").Reserve("paid", 3, holdUntil, "buyer");
        Assert.Equal(new SaleOutcome(SaleStatus.Sold, 5), await Product("sku-6").Commit(new SellUnits("paid", 3, 3)));

        var product = Product("sku-6").GetGrainId();
        await _commerce.Reminders.Armed(product, "release-lapsed-holds");
        _commerce.Time.Advance(TimeSpan.FromSeconds(31));

        await _commerce.Reminders.Ticked(product, "release-lapsed-holds", 1);
        Assert.Equal(7, (await Product("sku-6").Get())!.StockAvailable);
        Assert.Equal(new SaleOutcome(SaleStatus.AlreadySold, 7), await Product("sku-6").Commit(new SellUnits("paid", 3, 3)));
    }

    [Fact]
    public async Task A_sale_whose_hold_is_gone_takes_the_units_again_if_there_are_enough_and_once()
    {
        await Product("sku-8").Create(new NewProduct("Lamp", 40, 5));
        await Product("sku-8").Reserve("late", 2, HoldUntil, "buyer");
        await Product("sku-8").Reserve("too-late", 2, HoldUntil, "buyer");
        await Product("sku-8").Release("late");
        await Product("sku-8").Release("too-late");
        await Product("sku-8").AdjustStock(-2, "sold in the shop");

        Assert.Equal(new SaleOutcome(SaleStatus.Retaken, 1), await Product("sku-8").Commit(new SellUnits("late", 2, 40)));
        Assert.Equal(new SaleOutcome(SaleStatus.AlreadySold, 1), await Product("sku-8").Commit(new SellUnits("late", 2, 40)));
        Assert.Equal(new SaleOutcome(SaleStatus.OutOfStock, 1), await Product("sku-8").Commit(new SellUnits("too-late", 2, 40)));

        // An order that could not be paid after all gives back what it was sold.
        await Product("sku-8").Release("late");
        Assert.Equal(3, (await Product("sku-8").Get())!.StockAvailable);
        Assert.Equal(new SaleOutcome(SaleStatus.ProductNotFound, 0), await Product("sku-none").Commit(new SellUnits("late", 2, 40)));
    }

    [Theory]
    [InlineData("", 1)]
    [InlineData("order-1", 0)]
    [InlineData("order-1", -4)]
    public async Task Invalid_reservations_are_rejected_and_change_nothing(string orderId, int quantity)
    {
        await Product("sku-7").Create(new NewProduct("Cap", 3, 3));

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Product("sku-7").Reserve(orderId, quantity, HoldUntil, "buyer"));

        Assert.Equal(3, (await Product("sku-7").Get())!.StockAvailable);
    }
}
