using System.Collections.Immutable;
using Grains.Coupons;
using Grains.Idempotency;
using Grains.Orders;
using Grains.Outbox;
using Grains.Payments;
using Grains.Products;
using Grains.Uploads;
using Grains.Wallets;

namespace Grains.Persistence.Tests.Infrastructure;

/// <summary>
/// Each commerce state as its grain builds it, deltas included. Times are whole microseconds in UTC: what PostgreSQL
/// keeps, so a state reads back equal to what was written.
/// </summary>
public static class StateSamples
{
    public static readonly DateTimeOffset Start = new DateTimeOffset(2026, 11, 2, 8, 30, 15, TimeSpan.Zero).AddTicks(1_234_560);

    /// <summary>An hour ago: wallets load the movements of their dedupe window only, which moves with the clock.</summary>
    public static readonly DateTimeOffset Recent = WholeMicroseconds(DateTimeOffset.UtcNow.AddHours(-1));

    public static StateSample<ProductState> Product { get; } = new()
    {
        Create = _ =>
        {
            var product = new ProductState { Exists = true, Name = "Kettle", Price = 350_000, Available = 10, Version = 1, CreatedAt = Start, UpdatedAt = Start };
            GrainChanges.Hold(product, "order-1", 2);
            return product;
        },
        Change = (_, product) => GrainChanges.Hold(product, $"order-{Guid.NewGuid():N}", 1),
        FootprintSql = """
            SELECT 'products:' || xmin::text FROM products WHERE id = $1
            UNION ALL SELECT 'product_holds:' || order_id || ':' || xmin::text FROM product_holds WHERE product_id = $1
            """,
    };

    public static StateSample<OrderState> Order { get; } = new()
    {
        Create = key => new OrderState
        {
            Exists = true,
            CustomerId = $"customer-{key}",
            CustomerName = "Carol",
            Status = OrderStatus.PendingPayment,
            Items = [new OrderLine("kettle", "Kettle", 2, 350_000, 700_000), new OrderLine("mug", "Mug", 1, 45_000, 45_000)],
            Subtotal = 745_000,
            Discount = 5_000,
            Total = 740_000,
            Currency = "VND",
            CouponCode = "SAVE5",
            CreatedAt = Start,
            ExpiresAt = Start.AddMinutes(15),
            UpdatedAt = Start,
            Version = 1,
            PaymentId = $"payment-{key}",
            PayUrl = $"https://pay.example/{key}",
        },
        Change = (key, order) => GrainChanges.Raise(order, new OutboxMessage(
            Guid.CreateVersion7(order.UpdatedAt), $"test.noted:{Guid.NewGuid():N}", "order", key, "test.noted", """{"note":"seen"}""", order.UpdatedAt.AddSeconds(1))),
        // An outbox row by what the grain wrote, not its row version: the silo's relay marks it delivered meanwhile.
        FootprintSql = """
            SELECT 'orders:' || xmin::text FROM orders WHERE id = $1
            UNION ALL SELECT 'order_items:' || line::text || ':' || xmin::text FROM order_items WHERE order_id = $1
            UNION ALL SELECT 'customers:' || xmin::text FROM customers WHERE id = 'customer-' || $1
            UNION ALL SELECT 'outbox:' || dedupe_key || ':' || md5(row(id, aggregate_type, event_type, payload, occurred_at)::text) FROM outbox WHERE aggregate_id = $1
            """,
        KeptOnClear = ["customers", "outbox"],
    };

    public static StateSample<PaymentState> Payment { get; } = new()
    {
        Create = key => new PaymentState
        {
            Exists = true,
            OrderId = $"order-{key}",
            Status = PaymentStatus.Pending,
            Amount = 740_000,
            Currency = "VND",
            OrderInfo = "Thanh toan don hang",
            PayUrl = $"https://pay.example/{key}",
            GatewayCreatedAt = "20261102153015",
            CreatedAt = Start,
            ExpiresAt = Start.AddMinutes(15),
            UpdatedAt = Start,
        },
        Change = (_, payment) => GrainChanges.Report(payment, PaymentReportSource.StatusQuery, $"tx-{Guid.NewGuid():N}", "00", "01", amount: null, applied: false),
        FootprintSql = """
            SELECT 'payments:' || xmin::text FROM payments WHERE id = $1
            UNION ALL SELECT 'payment_events:' || sequence::text || ':' || xmin::text FROM payment_events WHERE payment_id = $1
            """,
    };

    public static StateSample<WalletState> Wallet { get; } = new()
    {
        Create = _ =>
        {
            var wallet = new WalletState { Exists = true, Currency = "VND" };
            GrainChanges.Move(wallet, 10_000, "top-up");
            return wallet;
        },
        Change = (_, wallet) => GrainChanges.Move(wallet, -1_000, $"purchase-{Guid.NewGuid():N}"),
        FootprintSql = """
            SELECT 'wallets:' || xmin::text FROM wallets WHERE user_id = $1
            UNION ALL SELECT 'wallet_entries:' || reference || ':' || xmin::text FROM wallet_entries WHERE user_id = $1
            """,
    };

    public static StateSample<CouponState> Coupon { get; } = new()
    {
        Create = _ =>
        {
            var coupon = new CouponState { Definition = new CouponDefinition(PercentOff: 10, AmountOff: 0, UsageLimit: 100, ExpiresAt: Start.AddDays(30)) };
            GrainChanges.Hold(coupon, "order-1");
            return coupon;
        },
        Change = (_, coupon) => GrainChanges.Hold(coupon, $"order-{Guid.NewGuid():N}"),
        FootprintSql = """
            SELECT 'coupons:' || xmin::text FROM coupons WHERE code = $1
            UNION ALL SELECT 'coupon_uses:' || order_id || ':' || xmin::text FROM coupon_uses WHERE code = $1
            """,
    };

    public static StateSample<IdempotencyState> Idempotency { get; } = new()
    {
        NewKey = () => IdempotencyKeys.GrainKey($"user-{Guid.NewGuid():N}", "key-1"),
        Create = _ => new IdempotencyState { Fingerprint = "fingerprint-1", Completed = false, StartedAt = Start },
        Change = (_, key) =>
        {
            key.Completed = true;
            key.CompletedAt = key.StartedAt.AddSeconds(2);
            key.Response = new StoredResponse(201, "application/json", """{"id":"order-1"}""",
                ImmutableDictionary<string, string>.Empty.Add("Location", "/api/v1/orders/order-1"));
        },
        FootprintSql = "SELECT 'idempotency_keys:' || xmin::text FROM idempotency_keys WHERE user_id || E'\\n' || idempotency_key = $1",
    };

    /// <summary>An upload declared, then its content received: the row written whole each time.</summary>
    public static StateSample<UploadState> Upload { get; } = new()
    {
        NewKey = () => $"upl_{Guid.NewGuid():N}",
        Create = _ => new UploadState
        {
            Exists = true, OwnerId = "alice", FileName = "photo.png", ContentType = "image/png", DeclaredSize = 1_048_576,
            Status = UploadStatus.PendingUpload, ExpiresAt = Start.AddMinutes(15), CreatedAt = Start, UpdatedAt = Start,
        },
        Change = (key, upload) =>
        {
            upload.Status = UploadStatus.Uploaded;
            upload.BlobKey = $"uploads/{key}/attempt-1";
            upload.Size = 1_048_576;
            upload.Sha256 = new string('a', 64);
            upload.UpdatedAt = Start.AddMinutes(1);
        },
        FootprintSql = "SELECT 'uploads:' || xmin::text FROM uploads WHERE id = $1",
    };

    private static DateTimeOffset WholeMicroseconds(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % 10), TimeSpan.Zero);
}
