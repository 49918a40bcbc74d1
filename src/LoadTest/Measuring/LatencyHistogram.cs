using System.Numerics;

namespace LoadTest.Measuring;

/// <summary>
/// Latencies in microseconds, counted into log-linear buckets (exact below 128 µs, then 64 buckets per power of two:
/// at most 1.6% apart), so recording is one interlocked increment and a percentile is read live, twice a second,
/// without keeping or sorting the samples. Percentiles are nearest-rank and report their bucket's upper bound.
/// </summary>
public sealed class LatencyHistogram
{
    private const int Exact = 128;
    private const int SubBuckets = 64;
    private const int MaxShift = 30; // up to 2^37 µs, about 38 hours: beyond any bounded run

    private readonly long[] _buckets = new long[Exact + (MaxShift * SubBuckets)];
    private long _count;
    private long _max;

    public long Count => Interlocked.Read(ref _count);

    public double MaxMilliseconds => Interlocked.Read(ref _max) / 1_000.0;

    public void Record(TimeSpan elapsed)
    {
        var micros = Math.Max(0, (long)elapsed.TotalMicroseconds);
        Interlocked.Increment(ref _buckets[Index(micros)]);
        Interlocked.Increment(ref _count);
        long seen;
        while (micros > (seen = Interlocked.Read(ref _max)) && Interlocked.CompareExchange(ref _max, micros, seen) != seen)
        {
        }
    }

    /// <summary>The latency at or below which <paramref name="quantile"/> of the samples fall, in ms; 0 with no samples.</summary>
    public double Percentile(double quantile)
    {
        var counts = new long[_buckets.Length];
        long total = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            total += counts[i] = Interlocked.Read(ref _buckets[i]);
        }

        if (total == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            if ((seen += counts[i]) >= rank)
            {
                return Math.Min(UpperBound(i), Interlocked.Read(ref _max)) / 1_000.0;
            }
        }

        return MaxMilliseconds;
    }

    private static int Index(long micros)
    {
        if (micros < Exact)
        {
            return (int)micros;
        }

        var shift = Math.Min(BitOperations.Log2((ulong)micros) - 6, MaxShift);
        var top = Math.Min(micros >> shift, (2 * SubBuckets) - 1);
        return Exact + ((shift - 1) * SubBuckets) + (int)(top - SubBuckets);
    }

    private static long UpperBound(int index)
    {
        if (index < Exact)
        {
            return index;
        }

        var shift = ((index - Exact) / SubBuckets) + 1;
        var top = ((index - Exact) % SubBuckets) + SubBuckets;
        return ((top + 1L) << shift) - 1;
    }
}
