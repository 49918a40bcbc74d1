using Commerce.Testing;
using Grains.Coupons;
using Grains.Persistence.Schema;
using Grains.Persistence.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.Storage;

namespace Grains.Persistence.Tests.Bounds;

/// <summary>Coupons stored by the previous version (one JSON document in Orleans' storage) come over to the coupon rows.</summary>
[Collection(SharedSilo.Name)]
public sealed class CouponCarryOverTests(SiloOnFreshDatabase silo)
{
    private static readonly DateTimeOffset ExpiresAt = new(2027, 6, 30, 17, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset HoldUntil = new(2026, 12, 1, 9, 20, 0, TimeSpan.Zero);

    [Fact]
    public async Task Migrating_a_database_of_the_previous_version_moves_its_coupons_and_their_uses_to_rows()
    {
        await using var database = NpgsqlDataSource.Create(await SharedPostgres.CreateDatabaseAsync());
        var migrator = new SchemaMigrator(database, NullLogger<SchemaMigrator>.Instance);
        await migrator.MigrateAsync([.. Migration.All.Where(m => string.CompareOrdinal(m.Id, "0004") < 0)]);
        // Serialized as the previous version's grain state was, by the silo's own grain storage serializer.
        var serializer = silo.Services.GetRequiredService<IGrainStorageSerializer>();
        await StoreAsync(database, "LEGACY10", serializer.Serialize(new PreviousCouponState
        {
            Definition = new CouponDefinition(PercentOff: 10, AmountOff: 0, UsageLimit: 5, ExpiresAt),
            Uses =
            {
                ["order-paid"] = new PreviousCouponUse { Discount = 1_500, HoldUntil = HoldUntil, Committed = true },
                ["order-open"] = new PreviousCouponUse { Discount = 900, HoldUntil = HoldUntil },
            },
        }).ToArray());
        await StoreAsync(database, "FLAT0", serializer.Serialize(new PreviousCouponState { Definition = new CouponDefinition(0, 20_000, 1, ExpiresAt) }).ToArray());

        await migrator.MigrateAsync();

        Assert.Equal(
            [["FLAT0", 0, 20_000L, 1, ExpiresAt.UtcDateTime, 0], ["LEGACY10", 10, 0L, 5, ExpiresAt.UtcDateTime, 2]],
            await database.RowsAsync("SELECT code, percent_off, amount_off, usage_limit, expires_at, uses FROM coupons ORDER BY code"));
        Assert.Equal(
            [["order-open", 900L, HoldUntil.UtcDateTime, false], ["order-paid", 1_500L, HoldUntil.UtcDateTime, true]],
            await database.RowsAsync("SELECT order_id, discount, hold_until, committed FROM coupon_uses WHERE code = 'LEGACY10' ORDER BY order_id"));
    }

    private static Task StoreAsync(NpgsqlDataSource database, string code, byte[] payload)
        => database.ExecuteAsync("""
            INSERT INTO orleans_storage (service_id, grain_type, grain_type_hash, grain_id_hash, grain_id_n0, grain_id_n1, grain_id_string, payload, version)
            VALUES ('commerce', 'coupon', 0, 0, 0, 0, $1, $2, 3)
            """, code, payload);

    /// <summary>The previous version's coupon state: every use in one map.</summary>
    private sealed class PreviousCouponState
    {
        public CouponDefinition? Definition { get; set; }

        public Dictionary<string, PreviousCouponUse> Uses { get; set; } = new(StringComparer.Ordinal);
    }

    private sealed class PreviousCouponUse
    {
        public long Discount { get; set; }

        public DateTimeOffset HoldUntil { get; set; }

        public bool Committed { get; set; }
    }
}
