using Runtime;
using Runtime.Contracts;
using Runtime.TestingHost;

namespace Grains.Tests;

public sealed class ProductGrainTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    private IGrainFactory Grains => _cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        var options = new TestClusterOptions();
        options.GrainAssemblies.Add(typeof(ProductGrain).Assembly);
        _cluster = await TestCluster.StartAsync(options);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public void Grain_interfaces_exchange_only_immutable_json_round_trippable_values()
        => Assert.Empty(GrainContractValidator.Validate([typeof(IProductGrain).Assembly]));

    [Fact]
    public async Task A_reservation_takes_units_once_however_often_it_is_retried()
    {
        var product = Grains.GetGrain<IProductGrain>("sku-retry");
        await product.Restock(10);

        var first = await product.Reserve("order-1", 3);
        var retried = await product.Reserve("order-1", 3);

        Assert.Equal(new ReservationOutcome(ReservationStatus.Reserved, new ProductStock(7, 3)), first);
        Assert.Equal(new ReservationOutcome(ReservationStatus.AlreadyReserved, new ProductStock(7, 3)), retried);
    }

    [Fact]
    public async Task The_last_unit_goes_to_exactly_one_of_many_concurrent_buyers()
    {
        var product = Grains.GetGrain<IProductGrain>("sku-last");
        await product.Restock(1);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 1_000).Select(i => Task.Run(() => product.Reserve($"order-{i}", 1))));

        Assert.Single(outcomes, o => o.Status == ReservationStatus.Reserved);
        Assert.Equal(999, outcomes.Count(o => o.Status == ReservationStatus.OutOfStock));
        Assert.Equal(new ProductStock(0, 1), await product.GetStock());
    }

    [Fact]
    public async Task Releasing_returns_the_units_and_releasing_again_changes_nothing()
    {
        var product = Grains.GetGrain<IProductGrain>("sku-release");
        await product.Restock(5);
        await product.Reserve("order-1", 2);

        Assert.Equal(new ProductStock(5, 0), await product.Release("order-1"));
        Assert.Equal(new ProductStock(5, 0), await product.Release("order-1"));
        Assert.Equal(new ProductStock(5, 0), await product.Release("unknown"));
    }

    [Fact]
    public async Task Asking_for_more_than_is_available_reserves_nothing()
    {
        var product = Grains.GetGrain<IProductGrain>("sku-short");
        await product.Restock(2);

        var outcome = await product.Reserve("order-1", 3);

        Assert.Equal(new ReservationOutcome(ReservationStatus.OutOfStock, new ProductStock(2, 0)), outcome);
    }

    [Theory]
    [InlineData("", 1)]
    [InlineData(" ", 1)]
    [InlineData("order-1", 0)]
    [InlineData("order-1", -4)]
    public async Task Invalid_reservations_are_rejected_and_change_nothing(string reservationId, int quantity)
    {
        var product = Grains.GetGrain<IProductGrain>("sku-invalid");
        await product.Restock(3);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => product.Reserve(reservationId, quantity));

        Assert.Equal(new ProductStock(3, 0), await product.GetStock());
    }
}
