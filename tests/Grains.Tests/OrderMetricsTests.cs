using System.Diagnostics.Metrics;
using Grains.Orders;
using Grains.Products;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Grains.Tests;

/// <summary>
/// The order and stock counters count what became durable: an order once its write committed, never a placement the
/// saga undid or a retry of one placed; a reservation once held, a refusal by its reason.
/// </summary>
public sealed class OrderMetricsTests : IAsyncLifetime
{
    private CommerceCluster _commerce = null!;
    private MetricCollector<long> _created = null!;
    private MetricCollector<long> _cancelled = null!;
    private MetricCollector<long> _reservations = null!;
    private MetricCollector<long> _saleRejections = null!;

    public async Task InitializeAsync()
    {
        _commerce = await CommerceCluster.StartAsync();
        var meters = _commerce.Services.GetRequiredService<IMeterFactory>();
        _created = new(meters, OrderMetrics.MeterName, OrderMetrics.CreatedName);
        _cancelled = new(meters, OrderMetrics.MeterName, OrderMetrics.CancelledName);
        _reservations = new(meters, StockMetrics.MeterName, StockMetrics.ReservationsName);
        _saleRejections = new(meters, StockMetrics.MeterName, StockMetrics.FlashSaleRejectedName);
        await _commerce.Grains.GetGrain<IProductGrain>("lamp").Create(new NewProduct("Lamp", 300_000, 2));
    }

    public async Task DisposeAsync()
    {
        _created.Dispose();
        _cancelled.Dispose();
        _reservations.Dispose();
        _saleRejections.Dispose();
        await _commerce.DisposeAsync();
    }

    private IOrderGrain Order(string id) => _commerce.Grains.GetGrain<IOrderGrain>(id);

    private static PlaceOrder Lamps(int quantity) => new("alice", "Alice", [new OrderLineRequest("lamp", quantity)], null);

    [Fact]
    public async Task An_order_counts_once_written_and_a_failed_or_repeated_placement_counts_nothing()
    {
        _commerce.Faults.FailAt(OrderSagaStep.Persisting);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Order("m-1").Place(Lamps(1)));
        _commerce.Faults.Disarm();

        Assert.Equal(PlacementStatus.Placed, (await Order("m-2").Place(Lamps(1))).Status);
        Assert.Equal(PlacementStatus.AlreadyExists, (await Order("m-2").Place(Lamps(1))).Status);
        Assert.Equal(PlacementStatus.OutOfStock, (await Order("m-3").Place(Lamps(2))).Status);
        Assert.Equal(OrderChangeStatus.Done, (await Order("m-2").Cancel()).Status);
        Assert.Equal(OrderChangeStatus.InvalidState, (await Order("m-2").Cancel()).Status);

        Assert.Equal([1L], _created.GetMeasurementSnapshot().Select(m => m.Value));
        Assert.Equal([1L], _cancelled.GetMeasurementSnapshot().Select(m => m.Value));

        // The failed saga's hold was taken, then given back: a reservation all the same, as the product saw it.
        Assert.Equal(["reserved", "reserved", "out_of_stock"], _reservations.GetMeasurementSnapshot().Select(m => (string?)m.Tags["outcome"]));
    }

    [Fact]
    public async Task A_flash_sale_counts_each_attempt_it_turned_away_once_where_it_decided()
    {
        var product = _commerce.Grains.GetGrain<IProductGrain>("lamp");
        var now = _commerce.Time.GetUtcNow();
        var version = (await product.Get())!.Version;
        await product.SetSale(new FlashSale(now.AddHours(1), now.AddHours(2), PerBuyerLimit: 1, Stock: 2), version);

        // Turned away at admission (the front end answers; the saga never runs), then, let through, by the saga.
        Assert.Equal(ReservationStatus.SaleNotStarted, (await product.Admit("s-1", 1, "alice")).Status);
        Assert.Equal(PlacementStatus.SaleNotStarted, (await Order("s-2").Place(Lamps(1))).Status);

        Assert.Equal(["sale_not_started", "sale_not_started"], _saleRejections.GetMeasurementSnapshot().Select(m => (string?)m.Tags["reason"]));
        Assert.Equal(["sale_not_started"], _reservations.GetMeasurementSnapshot().Select(m => (string?)m.Tags["outcome"]));
    }
}
