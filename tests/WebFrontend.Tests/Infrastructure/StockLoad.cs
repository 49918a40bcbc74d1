using Grains.Products;
using WebFrontend.Http;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>
/// Buyers reserving one unit at a time of one product through an Orleans client until it is sold out, each retrying a
/// call answered as unavailable under the same order id (a reservation is idempotent per order). Something happens to
/// the cluster once half the units are sold.
/// </summary>
public static class StockLoad
{
    public sealed record Outcome(int Confirmed, int Retried);

    public static async Task<Outcome> SellOutAsync(IProductGrain product, int units, int buyers, Func<Task> atHalfSold)
    {
        var confirmed = 0;
        var retried = 0;
        var halfSold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holdUntil = DateTimeOffset.UtcNow.AddHours(1);

        async Task BuyAsync(int buyer)
        {
            for (var purchase = 0; ; purchase++)
            {
                var orderId = $"order-{buyer}-{purchase}";
                ReservationOutcome outcome;
                while (true)
                {
                    try
                    {
                        outcome = await product.Reserve(orderId, 1, holdUntil, $"buyer-{buyer}");
                        break;
                    }
                    catch (Exception exception) when (GrainExceptionHandler.IsUnavailable(exception))
                    {
                        // The answer was lost (its silo stopped or died): ask again at once; Orleans routes the call to
                        // the product's next activation.
                        Interlocked.Increment(ref retried);
                    }
                }

                if (!outcome.Holds)
                {
                    return;
                }

                if (Interlocked.Increment(ref confirmed) == units / 2)
                {
                    halfSold.TrySetResult();
                }
            }
        }

        var load = Task.WhenAll(Enumerable.Range(0, buyers).Select(BuyAsync));
        await Task.WhenAny(halfSold.Task, load).WaitAsync(TimeSpan.FromMinutes(2));
        await atHalfSold();
        await load.WaitAsync(TimeSpan.FromMinutes(3));
        return new Outcome(confirmed, retried);
    }
}
