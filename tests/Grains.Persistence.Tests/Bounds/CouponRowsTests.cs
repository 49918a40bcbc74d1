using Grains.Coupons;
using Grains.Persistence.Tests.Infrastructure;
using Npgsql;

namespace Grains.Persistence.Tests.Bounds;

/// <summary>
/// A coupon is one row that never grows and one row per use; the database refuses a use over the limit whatever the
/// grain decided, and an activation loads the open holds only.
/// </summary>
[Collection(SharedSilo.Name)]
public sealed class CouponRowsTests(SiloOnFreshDatabase silo)
{
    private readonly TypedProvider _storage = new(silo.Services);

    [Fact]
    public async Task Concurrent_holds_on_a_limit_of_5_write_exactly_5_use_rows_and_the_coupon_row_does_not_grow()
    {
        var code = $"C{Guid.NewGuid():N}";
        var coupon = silo.Silo.Grains.GetGrain<ICouponGrain>(code);
        await coupon.Define(new CouponDefinition(10, 0, UsageLimit: 5, DateTimeOffset.UtcNow.AddDays(1)));
        var definedSize = await RowSizeAsync(code);
        var holdUntil = DateTimeOffset.UtcNow.AddMinutes(20);

        var holds = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => coupon.Hold($"order-{i}", 10_000, holdUntil)));

        Assert.Equal(5, holds.Count(h => h.Status == CouponHoldStatus.Held));
        Assert.Equal(15, holds.Count(h => h.Status == CouponHoldStatus.Exhausted));
        Assert.Equal(5, await silo.Database.ScalarAsync<long>("SELECT count(*) FROM coupon_uses WHERE code = $1", code));
        Assert.Equal(5, await silo.Database.ScalarAsync<int>("SELECT uses FROM coupons WHERE code = $1", code));
        Assert.Equal(definedSize, await RowSizeAsync(code));
    }

    [Fact]
    public async Task A_write_taking_a_use_over_the_limit_is_refused_by_the_database_and_writes_nothing()
    {
        var limited = new StateSample<CouponState>
        {
            Create = _ => new CouponState { Definition = new CouponDefinition(10, 0, UsageLimit: 2, StateSamples.Start.AddDays(1)) },
            Change = (_, coupon) => GrainChanges.Hold(coupon, $"order-{Guid.NewGuid():N}"),
            FootprintSql = StateSamples.Coupon.FootprintSql,
        };
        var coupon = await _storage.CreateAsync(limited);
        GrainChanges.Hold(coupon.State, "order-1");
        GrainChanges.Hold(coupon.State, "order-2");
        await coupon.WriteAsync();
        var stored = await limited.FootprintAsync(silo.Database, coupon.Key);

        // A grain that lost count: a third use on a limit of two.
        GrainChanges.Hold(coupon.State, "order-3");
        var refused = await Assert.ThrowsAsync<PostgresException>(coupon.WriteAsync);

        Assert.Equal(PostgresErrorCodes.CheckViolation, refused.SqlState);
        Assert.Equal(stored, await limited.FootprintAsync(silo.Database, coupon.Key));
    }

    [Fact]
    public async Task An_activation_loads_the_open_holds_and_only_the_number_of_committed_uses()
    {
        var coupon = await _storage.CreateAsync(StateSamples.Coupon);
        for (var i = 2; i <= 6; i++)
        {
            GrainChanges.Hold(coupon.State, $"order-{i}");
        }

        await coupon.WriteAsync();
        foreach (var orderId in new[] { "order-1", "order-2", "order-3", "order-4" })
        {
            GrainChanges.Commit(coupon.State, orderId);
        }

        await coupon.WriteAsync();

        var read = await _storage.ReadAsync<CouponState>(coupon.Key);

        Assert.Equal(4, read.State.CommittedUses);
        Assert.Equal(["order-5", "order-6"], read.State.Holds.Keys.Order(StringComparer.Ordinal));
        Assert.Equivalent(coupon.State, read.State, strict: true);
        Assert.Equal([[4L, 6L]], await silo.Database.RowsAsync("SELECT count(*) FILTER (WHERE committed), count(*) FROM coupon_uses WHERE code = $1", coupon.Key));
    }

    private Task<int> RowSizeAsync(string code) => silo.Database.ScalarAsync<int>("SELECT pg_column_size(c.*) FROM coupons c WHERE code = $1", code);
}
