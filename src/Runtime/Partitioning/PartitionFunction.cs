using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Runtime.Partitioning;

/// <summary>
/// Maps a grain to one of a fixed number of partitions, the unit of placement in a cluster.
/// </summary>
/// <remarks>
/// partition = MurmurHash3_x86_32(seed 0, UTF-8 bytes of "{grain type}/{key}") mod partition count.
/// MurmurHash3 is specified independently of any platform (little-endian blocks), so every silo and client, on any
/// machine or .NET version, computes the same partition; string.GetHashCode is randomized per process and could not
/// be used. The partition is stored with state and reminders, so the count is fixed for the life of a cluster.
/// </remarks>
internal sealed class PartitionFunction
{
    public PartitionFunction(int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        PartitionCount = partitionCount;
    }

    public int PartitionCount { get; }

    public int GetPartition(GrainId grainId)
    {
        var length = Encoding.UTF8.GetByteCount(grainId.Type) + 1 + Encoding.UTF8.GetByteCount(grainId.Key);
        var rented = length <= 256 ? null : ArrayPool<byte>.Shared.Rent(length);
        Span<byte> buffer = rented is null ? stackalloc byte[256] : rented;
        var written = Encoding.UTF8.GetBytes(grainId.Type, buffer);
        buffer[written++] = (byte)'/';
        written += Encoding.UTF8.GetBytes(grainId.Key, buffer[written..]);
        var hash = MurmurHash3(buffer[..written], seed: 0);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return (int)(hash % (uint)PartitionCount);
    }

    /// <summary>MurmurHash3, x86 32-bit variant, as published by Austin Appleby (public domain).</summary>
    public static uint MurmurHash3(ReadOnlySpan<byte> data, uint seed)
    {
        const uint c1 = 0xcc9e2d51, c2 = 0x1b873593;
        var hash = seed;
        var blocks = data.Length / 4;
        for (var i = 0; i < blocks; i++)
        {
            var k = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i * 4, 4));
            k *= c1;
            k = BitOperations.RotateLeft(k, 15);
            k *= c2;
            hash ^= k;
            hash = BitOperations.RotateLeft(hash, 13);
            hash = (hash * 5) + 0xe6546b64;
        }

        var tail = data[(blocks * 4)..];
        uint last = 0;
        switch (tail.Length)
        {
            case 3:
                last ^= (uint)tail[2] << 16;
                goto case 2;
            case 2:
                last ^= (uint)tail[1] << 8;
                goto case 1;
            case 1:
                last ^= tail[0];
                last *= c1;
                last = BitOperations.RotateLeft(last, 15);
                last *= c2;
                hash ^= last;
                break;
        }

        hash ^= (uint)data.Length;
        hash ^= hash >> 16;
        hash *= 0x85ebca6b;
        hash ^= hash >> 13;
        hash *= 0xc2b2ae35;
        hash ^= hash >> 16;
        return hash;
    }
}
