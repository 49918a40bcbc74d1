using System.Collections.Immutable;
using Grains.Coupons;
using Grains.Idempotency;
using Grains.Orders;
using Grains.Persistence;
using Grains.Products;
using Grains.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Runtime.TestingHost;

namespace Grains.Tests;

/// <summary>
/// The typed PostgreSQL stores: what grains wrote comes back exactly when a new activation reads it (after a silo
/// restart), and the rows are what lists and operators see.
/// </summary>
public sealed class TypedStoreTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;
    private NpgsqlDataSource _database = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await SharedPostgres.CreateDatabaseAsync();
        _database = NpgsqlDataSource.Create(connectionString);
        _cluster = await TestCluster.StartAsync(new TestClusterOptions
        {
            PostgresConnectionString = connectionString,
            ConfigureSiloBuilder = silo => silo.AddCommerce(),
            ConfigureServices = services => services.AddSingleton<Grains.Payments.IPaymentGateway>(new ScriptedPaymentGateway()),
        });
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Every_commerce_state_reads_back_as_written_after_a_restart()
    {
        var grains = _cluster.GrainFactory;
        var holdUntil = DateTimeOffset.UtcNow.AddHours(1);
        await grains.GetGrain<IProductGrain>("kettle").Create(new NewProduct("Kettle", 350_000, 10));
        await grains.GetGrain<ICouponGrain>("SAVE5").Define(new CouponDefinition(0, 5_000, 10, DateTimeOffset.UtcNow.AddDays(1)));
        var placed = await grains.GetGrain<IOrderGrain>("order-1").Place(new PlaceOrder("carol", "Carol", [new OrderLineRequest("kettle", 2)], "SAVE5"));
        Assert.Equal(PlacementStatus.Placed, placed.Status);
        await grains.GetGrain<IProductGrain>("kettle").Reserve("order-2", 3, holdUntil);
        await grains.GetGrain<IProductGrain>("kettle").Reserve("order-3", 1, holdUntil);
        await grains.GetGrain<IProductGrain>("kettle").Commit("order-2");
        await grains.GetGrain<IProductGrain>("kettle").Release("order-3");
        await grains.GetGrain<IWalletGrain>("carol").Credit(10_000, "top-up");
        await grains.GetGrain<IWalletGrain>("carol").Debit(2_500, "purchase-1");
        var response = new StoredResponse(201, "application/json", "{\"id\":\"order-1\"}", ImmutableDictionary<string, string>.Empty.Add("Location", "/api/v1/orders/order-1"));
        var key = grains.GetGrain<IIdempotencyGrain>(IdempotencyKeys.GrainKey("carol", "key-1"));
        Assert.Equal(IdempotencyDecisionKind.Proceed, (await key.Begin("fingerprint-1", TimeSpan.Zero)).Kind);
        await key.Complete("fingerprint-1", response);
        var productBefore = (await grains.GetGrain<IProductGrain>("kettle").Get())!;
        var cancelled = await grains.GetGrain<IOrderGrain>("order-1").Cancel();
        Assert.Equal(OrderChangeStatus.Done, cancelled.Status);

        await _cluster.RestartSiloAsync(_cluster.Silos[0]);
        grains = _cluster.GrainFactory;

        var product = await grains.GetGrain<IProductGrain>("kettle").Get();
        // Cancelling order-1 gave its 2 units back: one more version, a later update time, nothing else changed.
        Assert.NotNull(product);
        Assert.True(product.UpdatedAt >= Micros(productBefore).UpdatedAt);
        Assert.Equal(Micros(productBefore) with { StockAvailable = 7, Version = productBefore.Version + 1, UpdatedAt = product.UpdatedAt }, Micros(product));
        var order = await grains.GetGrain<IOrderGrain>("order-1").Get();
        Assert.Equal(OrderStatus.Cancelled, order!.Status);
        Assert.Equal(("carol", "Carol", 700_000L, 5_000L, 695_000L, "SAVE5"), (order.CustomerId, order.CustomerName, order.Subtotal, order.Discount, order.Total, order.CouponCode));
        Assert.Equal([new OrderLine("kettle", "Kettle", 2, 350_000, 700_000)], order.Items.AsEnumerable());
        Assert.Equal(new WalletView("carol", 7_500, "VND", 2), await grains.GetGrain<IWalletGrain>("carol").Get());
        Assert.Equal(WalletMovementStatus.AlreadyApplied, (await grains.GetGrain<IWalletGrain>("carol").Debit(2_500, "purchase-1")).Status);
        var replay = await grains.GetGrain<IIdempotencyGrain>(IdempotencyKeys.GrainKey("carol", "key-1")).Begin("fingerprint-1", TimeSpan.Zero);
        Assert.Equal(IdempotencyDecisionKind.Replay, replay.Kind);
        Assert.Equivalent(response, replay.Response);

        // A released hold leaves no row; a committed one stays as the sale's record, and is not held again on reload.
        Assert.Equal(3L, await ScalarAsync("SELECT quantity FROM product_holds WHERE product_id = 'kettle' AND order_id = 'order-2' AND committed"));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM product_holds WHERE product_id = 'kettle' AND order_id IN ('order-1', 'order-3')"));
        await grains.GetGrain<IProductGrain>("kettle").Release("order-2");
        Assert.Equal(7, (await grains.GetGrain<IProductGrain>("kettle").Get())!.StockAvailable);
        Assert.Equal(1L, await ScalarAsync("SELECT item_count FROM orders WHERE id = 'order-1'"));
    }

    /// <summary>PostgreSQL keeps microseconds; .NET ticks are 100 ns.</summary>
    private static ProductDetails Micros(ProductDetails product)
        => product with { CreatedAt = Truncate(product.CreatedAt), UpdatedAt = Truncate(product.UpdatedAt) };

    private static DateTimeOffset Truncate(DateTimeOffset time) => new(time.Ticks - (time.Ticks % 10), time.Offset);

    private async Task<long> ScalarAsync(string sql)
    {
        await using var command = _database.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
