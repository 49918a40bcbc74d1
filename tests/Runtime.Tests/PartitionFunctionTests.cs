using System.Text;
using Runtime.Partitioning;

namespace Runtime.Tests;

public sealed class PartitionFunctionTests
{
    // Published MurmurHash3 x86_32 reference values: the function must match them on every machine.
    [Theory]
    [InlineData("", 0u, 0x00000000u)]
    [InlineData("", 1u, 0x514E28B7u)]
    [InlineData("test", 0u, 0xBA6BD213u)]
    [InlineData("Hello, world!", 0u, 0xC0363E43u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0u, 0x2E4FF723u)]
    public void MurmurHash3_matches_the_reference_values(string input, uint seed, uint expected)
        => Assert.Equal(expected, PartitionFunction.MurmurHash3(Encoding.UTF8.GetBytes(input), seed));

    [Fact]
    public void A_grain_always_maps_to_the_same_partition()
    {
        var partitions = new PartitionFunction(1024);
        var id = new GrainId("product", "sku-123");

        Assert.Equal(PartitionFunction.MurmurHash3(Encoding.UTF8.GetBytes("product/sku-123"), 0) % 1024, (uint)partitions.GetPartition(id));
        Assert.Equal(partitions.GetPartition(id), new PartitionFunction(1024).GetPartition(new GrainId("product", "sku-123")));
    }

    [Fact]
    public void Keys_spread_evenly_over_partitions()
    {
        var partitions = new PartitionFunction(64);
        var counts = new int[64];
        for (var i = 0; i < 64_000; i++)
        {
            counts[partitions.GetPartition(new GrainId("order", $"order-{i}"))]++;
        }

        // 1,000 expected per partition; a fair hash stays well within ±20 %.
        Assert.All(counts, count => Assert.InRange(count, 800, 1_200));
    }

    [Fact]
    public void Long_keys_hash_the_same_way_as_short_ones()
    {
        var key = new string('k', 1_000);
        var expected = PartitionFunction.MurmurHash3(Encoding.UTF8.GetBytes($"product/{key}"), 0) % 7;
        Assert.Equal(expected, (uint)new PartitionFunction(7).GetPartition(new GrainId("product", key)));
    }
}
