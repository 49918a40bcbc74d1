using Grains.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Grains.Tests.Storage;

public sealed class NewGrainKeysTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_new_grain_is_taken_once_and_only_itself()
    {
        var keys = new NewGrainKeys(_time);
        var payment = GrainId.Create("commerce.payment", "pay-1");
        keys.Add(payment);

        Assert.False(keys.TryTake(GrainId.Create("commerce.payment", "pay-2")));
        Assert.False(keys.TryTake(GrainId.Create("commerce.order", "pay-1")));
        Assert.True(keys.TryTake(payment));
        Assert.False(keys.TryTake(payment));
    }

    [Fact]
    public void A_grain_not_activated_within_a_minute_is_read_like_any_other()
    {
        var keys = new NewGrainKeys(_time);
        var late = GrainId.Create("commerce.payment", "pay-late");
        var onTime = GrainId.Create("commerce.payment", "pay-on-time");
        keys.Add(late);
        keys.Add(onTime);

        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.True(keys.TryTake(onTime));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(keys.TryTake(late));
    }
}
