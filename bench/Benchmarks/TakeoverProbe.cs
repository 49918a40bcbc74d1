using System.Diagnostics;
using Grains.Products;

namespace Benchmarks;

/// <summary>
/// How long after a kill the killed silo's products answer again. Every 100 ms each product not yet heard from gets a
/// read (<see cref="IProductGrain.Get"/>), sent without waiting for the previous one: a call that went to the dead
/// silo may hang until the client's response timeout, and must not hide the answer of a later one. Only a new
/// activation on a live silo can answer a call started after the kill.
/// </summary>
public sealed class TakeoverProbe
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(100);

    private readonly TaskCompletionSource<TimeSpan>[] _served;
    private readonly Task _probing;

    private TakeoverProbe(IReadOnlyList<IProductGrain> products, long killedAt, TimeSpan limit)
    {
        _served = [.. products.Select(_ => new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously))];
        _probing = Task.WhenAll(products.Select((product, i) => ProbeAsync(product, _served[i], killedAt, limit)));
    }

    /// <summary>Starts probing <paramref name="products"/> now; <paramref name="killedAt"/> is a <see cref="Stopwatch"/> timestamp.</summary>
    public static TakeoverProbe Start(IReadOnlyList<IProductGrain> products, long killedAt, TimeSpan limit) => new(products, killedAt, limit);

    /// <summary>Per product, the time from the kill to its first answer; null for one that never answered within the limit.</summary>
    public async Task<IReadOnlyList<TimeSpan?>> ResultsAsync()
    {
        await _probing;
        return [.. _served.Select(s => s.Task.IsCompletedSuccessfully ? s.Task.Result : (TimeSpan?)null)];
    }

    private static async Task ProbeAsync(IProductGrain product, TaskCompletionSource<TimeSpan> served, long killedAt, TimeSpan limit)
    {
        while (!served.Task.IsCompleted && Stopwatch.GetElapsedTime(killedAt) < limit)
        {
            _ = product.Get().ContinueWith(
                answer =>
                {
                    if (answer.IsCompletedSuccessfully)
                    {
                        served.TrySetResult(Stopwatch.GetElapsedTime(killedAt));
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            await Task.WhenAny(served.Task, Task.Delay(s_interval));
        }
    }
}
