using System.Text;
using Runtime.Partitioning;

namespace Runtime.Cluster;

/// <summary>
/// Highest-random-weight placement: each partition goes to the silo with the highest hash of (silo, partition).
/// Every silo computes the same answer from the same member list, and when a silo joins or leaves, only the
/// partitions it wins or held move: about 1/N of them.
/// </summary>
internal static class RendezvousHashing
{
    public static string? Owner(int partition, IReadOnlyList<string> siloIds)
    {
        string? best = null;
        var bestWeight = 0UL;
        foreach (var siloId in siloIds)
        {
            var weight = Weight(siloId, partition);
            if (best is null || weight > bestWeight || (weight == bestWeight && string.CompareOrdinal(siloId, best) > 0))
            {
                best = siloId;
                bestWeight = weight;
            }
        }

        return best;
    }

    private static ulong Weight(string siloId, int partition)
    {
        var bytes = Encoding.UTF8.GetBytes($"{siloId}#{partition}");
        // Two independent 32-bit hashes make a 64-bit weight, so ties are practically impossible.
        return ((ulong)PartitionFunction.MurmurHash3(bytes, seed: 0x9747b28c) << 32) | PartitionFunction.MurmurHash3(bytes, seed: 0x5bd1e995);
    }
}
