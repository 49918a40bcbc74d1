using IntegrationEvents;
using System.Collections.Immutable;
using Grains.Idempotency;
using Grains.Orders;
using Grains.Outbox;
using Grains.Payments;
using Grains.Products;
using Grains.Uploads;
using Grains.Wallets;
using Grains.Persistence.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Grains.Persistence.Tests.Infrastructure.GrainChanges;

namespace Grains.Persistence.Tests.CommerceStorage;

/// <summary>
/// Every commerce state, written through the typed provider over a few writes as its grain would, reads back exactly
/// (what a new activation gets after a restart), and its rows are what lists and operators see.
/// </summary>
[Collection(SharedSilo.Name)]
public sealed class StatesReadBackTests(SiloOnFreshDatabase silo)
{
    private readonly TypedProvider _storage = new(silo.Services);

    [Fact]
    public async Task A_product_reads_back_with_its_open_holds_while_old_sales_stay_as_rows_and_released_holds_vanish()
    {
        var product = await _storage.CreateAsync(StateSamples.Product);
        Hold(product.State, "order-2", 3);
        Hold(product.State, "order-3", 1);
        await product.WriteAsync();
        Commit(product.State, "order-2");
        Release(product.State, "order-3");
        // Taken and ended within one write, as a group commit merges them: the committed one still leaves its sale row.
        Hold(product.State, "order-4", 2);
        Commit(product.State, "order-4");
        Hold(product.State, "order-5", 1);
        Release(product.State, "order-5");
        product.State.HoldSweepScheduled = true;
        await product.WriteAsync();

        var read = await _storage.ReadAsync<ProductState>(product.Key);

        Assert.Equal(("3", true), (read.ETag, read.RecordExists));
        Assert.Equal(["order-1"], read.State.Holds.Keys);
        Assert.Equal(3, read.State.Available);

        // The sample's sales are a month old, long past Commerce:SaleMemory: their rows stay, memory does not load them.
        Assert.Empty(read.State.Sales);
        product.State.Sales.Clear();
        Assert.Equivalent(product.State, read.State, strict: true);
        var holdRows = await silo.Database.RowsAsync("SELECT order_id, quantity, committed FROM product_holds WHERE product_id = $1 ORDER BY order_id", product.Key);
        Assert.Equal([["order-1", 2, false], ["order-2", 3, true], ["order-4", 2, true]], holdRows);
    }

    [Fact]
    public async Task A_product_on_a_flash_sale_reads_back_with_its_sale_and_what_each_buyer_holds_or_bought()
    {
        var product = await _storage.CreateAsync(StateSamples.Product);
        product.State.Sale = new FlashSale(StateSamples.Start.AddTicks(-1_234_560), StateSamples.Start.AddHours(2), 3, 20);
        Hold(product.State, "sale-1", 2, "alice");
        Hold(product.State, "sale-2", 1, "bob");
        Hold(product.State, "sale-3", 1, "carol");
        await product.WriteAsync();
        Commit(product.State, "sale-1");
        Release(product.State, "sale-2");
        Hold(product.State, "sale-4", 1, "alice");
        await product.WriteAsync();

        var read = await _storage.ReadAsync<ProductState>(product.Key);

        Assert.Equal(new Dictionary<string, int> { ["alice"] = 3, ["carol"] = 1 }, read.State.BuyerUnits);
        Assert.Equal(product.State.Sale, read.State.Sale);
        Assert.Equal(("alice", "carol", (string?)null), (read.State.Holds["sale-4"].BuyerId, read.State.Holds["sale-3"].BuyerId, read.State.Holds["order-1"].BuyerId));

        // The sale is a month old, past Commerce:SaleMemory, so memory no longer has it; alice's count still does.
        Assert.Empty(read.State.Sales);
        product.State.Sales.Clear();
        Assert.Equivalent(product.State, read.State, strict: true);
        Assert.Equal([["alice", 3], ["carol", 1]],
            await silo.Database.RowsAsync("SELECT customer_id, units FROM product_sale_buyers WHERE product_id = $1 ORDER BY customer_id", product.Key));
    }

    [Fact]
    public async Task A_product_loads_the_sales_within_its_sale_memory_and_no_older_ones()
    {
        var memory = silo.Services.GetRequiredService<IOptions<CommerceOptions>>().Value.SaleMemory;
        var now = TimeProvider.System.GetUtcNow();
        var product = await _storage.CreateAsync(StateSamples.Product);
        Sell(product.State, "recent", now.AddTicks(-(now.Ticks % 10)));
        Sell(product.State, "forgotten", now - memory - TimeSpan.FromMinutes(1));
        await product.WriteAsync();

        var read = await _storage.ReadAsync<ProductState>(product.Key);

        Assert.Equal(["recent"], read.State.Sales.Keys);
        Assert.Equivalent(product.State.Sales["recent"], read.State.Sales["recent"], strict: true);
        Assert.Equal(2L, await silo.Database.ScalarAsync<long>("SELECT count(*) FROM product_holds WHERE product_id = $1 AND committed", product.Key));

        static void Sell(ProductState product, string orderId, DateTimeOffset holdUntil)
        {
            var sale = new ProductHold { Quantity = 1, UnitPrice = product.Price, HoldUntil = holdUntil };
            product.Available--;
            product.Sales[orderId] = sale;
            product.ChangedHolds[orderId] = new ChangedHold(HoldChange.Committed, sale);
        }
    }

    [Fact]
    public async Task An_order_reads_back_with_its_items_customer_and_payment_and_its_row_counts_its_items()
    {
        var order = await _storage.CreateAsync(StateSamples.Order);
        var paidAt = StateSamples.Start.AddMinutes(3);
        order.State.Status = OrderStatus.Paid;
        order.State.PaymentTransactionNo = "14000001";
        order.State.PaidAt = paidAt;
        Raise(order.State, OutboxEvents.Paid(order.Key, new OrderPaidPayload(order.Key, order.State.CustomerId, order.State.Total, "VND", order.State.PaymentId!, "14000001", paidAt), paidAt));
        await order.WriteAsync();
        order.State.RefundRequested = true;
        order.State.Version++;
        await order.WriteAsync();

        var read = await _storage.ReadAsync<OrderState>(order.Key);

        Assert.Equal(("3", true), (read.ETag, read.RecordExists));
        Assert.Equivalent(order.State, read.State, strict: true);
        Assert.Equal(2, await silo.Database.ScalarAsync<int>("SELECT item_count FROM orders WHERE id = $1", order.Key));
        Assert.Equal("Carol", await silo.Database.ScalarAsync<string>("SELECT name FROM customers WHERE id = $1", order.State.CustomerId));
        Assert.Equal([[$"order.paid:{order.Key}", "order", "order.paid"]],
            await silo.Database.RowsAsync("SELECT dedupe_key, aggregate_type, event_type FROM outbox WHERE aggregate_id = $1", order.Key));
    }

    [Fact]
    public async Task A_payment_reads_back_with_every_report_in_arrival_order()
    {
        var payment = await _storage.CreateAsync(StateSamples.Payment);
        Report(payment.State, PaymentReportSource.StatusQuery, "0", "00", "01", amount: null, applied: false);
        Report(payment.State, PaymentReportSource.Notification, "14000001", "24", "02", amount: 740_000, applied: true);
        await payment.WriteAsync();
        Report(payment.State, PaymentReportSource.Notification, "14000002", "00", "00", amount: 740_000, applied: true);
        payment.State.Status = PaymentStatus.Succeeded;
        payment.State.TransactionNo = "14000002";
        payment.State.PaidAt = payment.State.UpdatedAt;
        payment.State.OrderConfirmed = true;
        await payment.WriteAsync();

        var read = await _storage.ReadAsync<PaymentState>(payment.Key);

        Assert.Equal(("3", true), (read.ETag, read.RecordExists));
        Assert.Equal([1, 2, 3], read.State.Events.Select(e => e.Sequence));
        Assert.Equivalent(payment.State, read.State, strict: true);
    }

    [Fact]
    public async Task A_wallet_reads_back_with_every_movement()
    {
        var wallet = await _storage.CreateAsync(StateSamples.Wallet);
        Move(wallet.State, -2_500, "purchase-1");
        Move(wallet.State, -500, "purchase-2");
        await wallet.WriteAsync();

        var read = await _storage.ReadAsync<WalletState>(wallet.Key);

        Assert.Equal(("2", true), (read.ETag, read.RecordExists));
        Assert.Equal(7_000, read.State.Balance);
        Assert.Equal(["purchase-1", "purchase-2", "top-up"], read.State.Entries.Keys.Order(StringComparer.Ordinal));
        Assert.Equivalent(wallet.State, read.State, strict: true);
    }

    [Fact]
    public async Task An_idempotency_key_reads_back_in_flight_and_then_completed_with_its_response()
    {
        var key = await _storage.CreateAsync(StateSamples.Idempotency);
        var inFlight = await _storage.ReadAsync<IdempotencyState>(key.Key);
        StateSamples.Idempotency.Change(key.Key, key.State);
        await key.WriteAsync();

        var completed = await _storage.ReadAsync<IdempotencyState>(key.Key);

        Assert.Equivalent(StateSamples.Idempotency.Create(key.Key), inFlight.State, strict: true);
        Assert.Equal(("2", true), (completed.ETag, completed.RecordExists));
        Assert.Equivalent(key.State, completed.State, strict: true);
        Assert.Equal(ImmutableDictionary<string, string>.Empty.Add("Location", "/api/v1/orders/order-1"), completed.State.Response!.Headers);
    }

    [Fact]
    public async Task An_upload_reads_back_pending_then_received_then_rejected_with_its_reason()
    {
        var upload = await _storage.CreateAsync(StateSamples.Upload);
        var pending = await _storage.ReadAsync<UploadState>(upload.Key);
        StateSamples.Upload.Change(upload.Key, upload.State);
        await upload.WriteAsync();
        var received = await _storage.ReadAsync<UploadState>(upload.Key);
        upload.State.Status = UploadStatus.Rejected;
        upload.State.Reason = "The content does not start as image/png does.";
        await upload.WriteAsync();

        var rejected = await _storage.ReadAsync<UploadState>(upload.Key);

        Assert.Equivalent(StateSamples.Upload.Create(upload.Key), pending.State, strict: true);
        Assert.Equal(UploadStatus.Uploaded, received.State.Status);
        Assert.Equal(("3", true), (rejected.ETag, rejected.RecordExists));
        Assert.Equivalent(upload.State, rejected.State, strict: true);
        Assert.Equal([["alice", "REJECTED", 1_048_576L, "The content does not start as image/png does."]],
            await silo.Database.RowsAsync("SELECT owner_id, status, size, reason FROM uploads WHERE id = $1", upload.Key));
    }
}
