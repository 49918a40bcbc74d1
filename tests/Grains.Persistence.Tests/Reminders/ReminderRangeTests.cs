using Grains.Persistence.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans;

namespace Grains.Persistence.Tests.Reminders;

/// <summary>
/// A silo reads the reminders of its slices of the hash ring, (begin, end] in uint order, wrapping past the top. The
/// provider sends the bounds cast to int and picks one of our two range queries by comparing them as ints, so the
/// ranges that cross 2^31 (where the int order breaks) are the ones that prove the SQL.
/// </summary>
[Collection(SharedSilo.Name)]
public sealed class ReminderRangeTests(SiloOnFreshDatabase silo, ReminderRing ring) : IClassFixture<ReminderRing>
{
    [Theory]
    [InlineData(0x1000_0000u, 0x7000_0000u, "no wrap, both ends below 2^31")]
    [InlineData(0x9000_0000u, 0xF000_0000u, "no wrap, both ends above 2^31")]
    [InlineData(0x7000_0000u, 0x9000_0000u, "no wrap, crossing 2^31 (begin > end as ints)")]
    [InlineData(0xF000_0000u, 0x1000_0000u, "wrapping, begin above 2^31 and end below (begin < end as ints)")]
    [InlineData(0x7000_0000u, 0x1000_0000u, "wrapping, both ends below 2^31")]
    [InlineData(0xF000_0000u, 0x9000_0000u, "wrapping, both ends above 2^31")]
    [InlineData(0x4000_0000u, 0x4000_0000u, "begin == end: the whole ring")]
    [InlineData(0u, uint.MaxValue, "(0, max]: everything but hash 0")]
    [InlineData(uint.MaxValue, 0u, "(max, 0]: hash 0 only")]
    public async Task A_hash_range_reads_exactly_the_reminders_whose_grain_hash_is_in_it(uint begin, uint end, string range)
    {
        var read = await silo.Services.GetRequiredService<IReminderTable>().ReadRows(begin, end);

        var expected = ring.Grains.Where(grain => InRange(grain.GetUniformHashCode(), begin, end)).Select(grain => grain.ToString()).Order(StringComparer.Ordinal);
        var ours = read.Reminders.Where(r => r.GrainId.Type.ToString() == ReminderRing.GrainType).Select(r => r.GrainId.ToString()).Order(StringComparer.Ordinal);
        Assert.Equal(expected, ours);
        Assert.All(read.Reminders, r => Assert.True(InRange(r.GrainId.GetUniformHashCode(), begin, end), $"{r.GrainId} is outside {range}"));
        Assert.True(expected.Any() || begin == uint.MaxValue, $"{range} should hold some of the ring's reminders");
    }

    [Fact]
    public async Task A_range_excludes_its_begin_hash_and_includes_its_end_hash()
    {
        var hashes = ring.Grains.Select(grain => grain.GetUniformHashCode()).Order().ToList();
        var (begin, end) = (hashes[10], hashes[20]);

        var read = await silo.Services.GetRequiredService<IReminderTable>().ReadRows(begin, end);

        Assert.Equal(hashes[11..21], read.Reminders.Where(r => r.GrainId.Type.ToString() == ReminderRing.GrainType).Select(r => r.GrainId.GetUniformHashCode()).Order());
    }

    /// <summary>The ring's (begin, end] in uint order; begin == end is the whole ring.</summary>
    private static bool InRange(uint hash, uint begin, uint end) => begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;
}
