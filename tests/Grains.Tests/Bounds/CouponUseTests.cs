using Grains.Coupons;
using Grains.Persistence.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Grains.Tests.Bounds;

/// <summary>A coupon's uses are records apart from its state; its activation holds the open holds and a count.</summary>
public sealed class CouponUseTests : IAsyncLifetime
{
    private CommerceCluster _commerce = null!;

    public async Task InitializeAsync() => _commerce = await CommerceCluster.StartAsync();

    public async Task DisposeAsync() => await _commerce.DisposeAsync();

    private ICouponGrain Coupon(string code) => _commerce.Grains.GetGrain<ICouponGrain>(code);

    private InMemoryCouponStore Store => _commerce.Services.GetRequiredService<InMemoryCouponStore>();

    [Fact]
    public async Task Concurrent_holds_on_a_limit_of_3_take_exactly_3_uses()
    {
        await Coupon("FLASH3").Define(new CouponDefinition(10, 0, UsageLimit: 3, _commerce.Time.GetUtcNow().AddDays(1)));
        var holdUntil = _commerce.Time.GetUtcNow().AddMinutes(20);

        var holds = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => Coupon("FLASH3").Hold($"order-{i}", 1_000, holdUntil))));

        Assert.Equal(3, holds.Count(h => h.Status == CouponHoldStatus.Held));
        Assert.Equal(9, holds.Count(h => h.Status == CouponHoldStatus.Exhausted));
        Assert.Equal(3, Store.Uses("FLASH3").Count);
        Assert.Equal(3, (await Coupon("FLASH3").Get())!.Used);
    }

    [Fact]
    public async Task Committed_uses_leave_memory_as_a_count_and_a_lapsed_hold_gives_its_use_back()
    {
        var now = _commerce.Time.GetUtcNow();
        await Coupon("SAVE4").Define(new CouponDefinition(0, 500, UsageLimit: 4, now.AddDays(1)));
        await Coupon("SAVE4").Hold("paid-1", 10_000, now.AddMinutes(20));
        await Coupon("SAVE4").Hold("paid-2", 10_000, now.AddMinutes(20));
        await Coupon("SAVE4").Hold("abandoned", 10_000, now.AddMinutes(5));
        await Coupon("SAVE4").Hold("open", 10_000, now.AddMinutes(20));
        await Coupon("SAVE4").Commit("paid-1");
        await Coupon("SAVE4").Commit("paid-2");
        Assert.Equal(CouponHoldStatus.Exhausted, (await Coupon("SAVE4").Hold("late", 10_000, now.AddMinutes(20))).Status);

        _commerce.Time.Advance(TimeSpan.FromMinutes(6));
        var afterLapse = await Coupon("SAVE4").Hold("late", 10_000, now.AddMinutes(26));
        var loaded = (await Store.ReadAsync("SAVE4", CancellationToken.None))!.State;

        Assert.Equal((CouponHoldStatus.Held, 500L), (afterLapse.Status, afterLapse.Discount));
        Assert.Equal(2, loaded.CommittedUses);
        Assert.Equal(["late", "open"], loaded.Holds.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new Dictionary<string, bool> { ["paid-1"] = true, ["paid-2"] = true, ["open"] = false, ["late"] = false }, Store.Uses("SAVE4"));
    }
}
