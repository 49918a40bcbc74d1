using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using WebFrontend.Http;

namespace WebFrontend.Features.Orders;

/// <summary>
/// The products this front end recently heard had no flash sale (<see cref="FrontendOptions.SaleAdmissionMemory"/>):
/// orders for them skip the admission call, which only a sale can answer with anything but "go on". Forgetting early
/// or remembering a product whose sale was set a moment ago costs nothing but that call: the saga enforces every sale.
/// </summary>
public sealed class ProductsWithoutSale(IOptions<FrontendOptions> options, TimeProvider time)
{
    /// <summary>Beyond this many products remembered, the memory starts again (a bound, not a cache policy).</summary>
    private const int MaxRemembered = 100_000;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _seenAt = new(StringComparer.Ordinal);

    public bool IsKnown(string productId)
        => _seenAt.TryGetValue(productId, out var seenAt) && time.GetUtcNow() - seenAt < options.Value.SaleAdmissionMemory;

    public void Remember(string productId)
    {
        if (options.Value.SaleAdmissionMemory <= TimeSpan.Zero)
        {
            return;
        }

        if (_seenAt.Count >= MaxRemembered)
        {
            _seenAt.Clear();
        }

        _seenAt[productId] = time.GetUtcNow();
    }
}
