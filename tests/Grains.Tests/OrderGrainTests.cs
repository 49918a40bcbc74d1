using Grains.Coupons;
using Grains.Orders;
using Grains.Products;

namespace Grains.Tests;

public sealed class OrderGrainTests : IAsyncLifetime
{
    private CommerceCluster _commerce = null!;

    public async Task InitializeAsync()
    {
        _commerce = await CommerceCluster.StartAsync();
        await Product("laptop").Create(new NewProduct("Laptop", 20_000_000, 5));
        await Product("mouse").Create(new NewProduct("Mouse", 500_000, 10));
        await Coupon("TENOFF").Define(new CouponDefinition(10, 0, UsageLimit: 1, _commerce.Time.GetUtcNow().AddDays(30)));
    }

    public async Task DisposeAsync() => await _commerce.DisposeAsync();

    private IProductGrain Product(string id) => _commerce.Grains.GetGrain<IProductGrain>(id);

    private ICouponGrain Coupon(string code) => _commerce.Grains.GetGrain<ICouponGrain>(code);

    private IOrderGrain Order(string id) => _commerce.Grains.GetGrain<IOrderGrain>(id);

    private static PlaceOrder Command(string? coupon = null, params (string Product, int Quantity)[] lines)
        => new("alice", "Alice", [.. lines.Select(l => new OrderLineRequest(l.Product, l.Quantity))], coupon);

    [Fact]
    public async Task Placing_an_order_holds_stock_applies_the_coupon_and_prices_every_line()
    {
        var placed = await Order("o-1").Place(Command("TENOFF", ("laptop", 1), ("mouse", 2)));

        Assert.Equal(PlacementStatus.Placed, placed.Status);
        var order = placed.Order!;
        Assert.Equal(OrderStatus.PendingPayment, order.Status);
        Assert.Equal([20_000_000L, 1_000_000L], order.Items.Select(i => i.LineTotal));
        Assert.Equal((21_000_000L, 2_100_000L, 18_900_000L), (order.Subtotal, order.Discount, order.Total));
        Assert.Equal(_commerce.Time.GetUtcNow() + _commerce.Options.PaymentWindow, order.ExpiresAt);
        Assert.Equal((4, 8), await StockAsync());
        Assert.Equal(1, (await Coupon("TENOFF").Get())!.Used);
    }

    [Fact]
    public async Task Placing_the_same_order_id_again_holds_nothing_more()
    {
        var first = await Order("o-2").Place(Command(null, ("laptop", 2)));
        var again = await Order("o-2").Place(Command(null, ("laptop", 2)));

        Assert.Equal(PlacementStatus.AlreadyExists, again.Status);
        Assert.Equivalent(first.Order, again.Order, strict: true);
        Assert.Equal((3, 10), await StockAsync());
    }

    [Fact]
    public async Task An_order_some_of_whose_products_are_short_or_unknown_holds_nothing()
    {
        var shortOfLaptops = await Order("o-3").Place(Command(null, ("mouse", 2), ("laptop", 6)));
        var unknown = await Order("o-4").Place(Command(null, ("mouse", 2), ("ghost", 1)));

        Assert.Equal(PlacementStatus.OutOfStock, shortOfLaptops.Status);
        Assert.Equal(["laptop"], shortOfLaptops.ProductIds.AsEnumerable());
        Assert.Equal(PlacementStatus.ProductNotFound, unknown.Status);
        Assert.Equal(["ghost"], unknown.ProductIds.AsEnumerable());
        Assert.Null(await Order("o-3").Get());
        Assert.Equal((5, 10), await StockAsync());
    }

    [Fact]
    public async Task A_used_up_coupon_refuses_the_order_and_its_stock_is_given_back()
    {
        await Order("o-5").Place(Command("TENOFF", ("mouse", 1)));

        var refused = await Order("o-6").Place(Command("TENOFF", ("laptop", 1)));
        var unknown = await Order("o-7").Place(Command("NOPE", ("laptop", 1)));

        Assert.Equal(PlacementStatus.CouponInvalid, refused.Status);
        Assert.Equal(PlacementStatus.CouponInvalid, unknown.Status);
        Assert.Equal((5, 9), await StockAsync());
    }

    [Theory]
    [InlineData(OrderSagaStep.Reserving)]
    [InlineData(OrderSagaStep.Reserved)]
    [InlineData(OrderSagaStep.CouponHeld)]
    [InlineData(OrderSagaStep.PaymentOpened)]
    [InlineData(OrderSagaStep.Persisting)]
    public async Task A_failure_at_any_step_of_the_saga_leaves_no_stock_coupon_use_or_order_behind(OrderSagaStep step)
    {
        _commerce.Faults.FailAt(step);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Order("o-fail").Place(Command("TENOFF", ("laptop", 1), ("mouse", 3))));

        Assert.Null(await Order("o-fail").Get());
        Assert.Equal((5, 10), await StockAsync());
        Assert.Equal(0, (await Coupon("TENOFF").Get())!.Used);
    }

    [Fact]
    public async Task Cancelling_gives_the_stock_and_coupon_back_and_only_an_unpaid_order_can_be_cancelled()
    {
        await Order("o-8").Place(Command("TENOFF", ("laptop", 2)));

        var cancelled = await Order("o-8").Cancel();
        var again = await Order("o-8").Cancel();

        Assert.Equal((OrderChangeStatus.Done, OrderStatus.Cancelled), (cancelled.Status, cancelled.Order!.Status));
        Assert.Equal(OrderChangeStatus.InvalidState, again.Status);
        Assert.Equal(OrderChangeStatus.NotFound, (await Order("o-none").Cancel()).Status);
        Assert.Equal((5, 10), await StockAsync());
        Assert.Equal(0, (await Coupon("TENOFF").Get())!.Used);
    }

    [Fact]
    public async Task An_unpaid_order_expires_at_its_deadline_and_gives_its_stock_back()
    {
        await Order("o-9").Place(Command(null, ("laptop", 3)));
        await _commerce.Reminders.Armed(Order("o-9").GetGrainId(), "expire-unpaid");

        _commerce.Time.Advance(_commerce.Options.PaymentWindow - TimeSpan.FromSeconds(1));
        Assert.Equal(OrderStatus.PendingPayment, (await Order("o-9").Get())!.Status);
        _commerce.Time.Advance(TimeSpan.FromSeconds(1));
        await _commerce.Reminders.Ticked(Order("o-9").GetGrainId(), "expire-unpaid", 1);

        Assert.Equal(OrderStatus.Expired, (await Order("o-9").Get())!.Status);
        Assert.Equal((5, 10), await StockAsync());
    }

    [Fact]
    public async Task Invalid_orders_are_refused_before_anything_is_held()
    {
        var empty = await Order("o-10").Place(Command(null));
        var duplicate = await Order("o-11").Place(Command(null, ("mouse", 1), ("mouse", 2)));
        var tooMany = await Order("o-12").Place(Command(null, ("mouse", 101)));

        Assert.All([empty, duplicate, tooMany], placement => Assert.Equal(PlacementStatus.Invalid, placement.Status));
        Assert.Equal((5, 10), await StockAsync());
    }

    private async Task<(int Laptops, int Mice)> StockAsync()
        => ((await Product("laptop").Get())!.StockAvailable, (await Product("mouse").Get())!.StockAvailable);
}
