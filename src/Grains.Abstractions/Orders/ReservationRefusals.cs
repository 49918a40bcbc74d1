using System.Collections.Immutable;
using Grains.Products;

namespace Grains.Orders;

/// <summary>
/// What stops an order, given what its products answered for its lines: one rule for the saga (after reserving) and
/// for the front end's check from the products' memory (before anything is written), so both refuse alike.
/// </summary>
public static class ReservationRefusals
{
    /// <summary>The refusal, the first that applies in this order; null when every line can be held.</summary>
    public static OrderPlacement? Of(IReadOnlyList<OrderLineRequest> lines, IReadOnlyList<ReservationOutcome> outcomes, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(outcomes);
        ImmutableArray<string> Refused(ReservationStatus status)
            => lines.Where((_, i) => outcomes[i].Status == status).Select(l => l.ProductId).ToImmutableArray();

        var unknown = Refused(ReservationStatus.ProductNotFound);
        if (unknown.Length > 0)
        {
            return Refusal(PlacementStatus.ProductNotFound, unknown, "Unknown products");
        }

        var notStarted = Refused(ReservationStatus.SaleNotStarted);
        if (notStarted.Length > 0)
        {
            var startsAt = outcomes.Where(o => o.Status == ReservationStatus.SaleNotStarted).Max(o => o.SaleStartsAt ?? now);
            return Refusal(PlacementStatus.SaleNotStarted, notStarted, "The sale has not started") with { RetryAfter = startsAt - now };
        }

        var ended = Refused(ReservationStatus.SaleEnded);
        if (ended.Length > 0)
        {
            return Refusal(PlacementStatus.SaleEnded, ended, "The sale is over");
        }

        var outOfStock = Refused(ReservationStatus.OutOfStock);
        if (outOfStock.Length > 0)
        {
            return Refusal(PlacementStatus.OutOfStock, outOfStock, "Not enough stock");
        }

        var overLimit = Refused(ReservationStatus.PurchaseLimitReached);
        return overLimit.Length > 0 ? Refusal(PlacementStatus.PurchaseLimitReached, overLimit, "The sale's limit per buyer is reached") : null;
    }

    private static OrderPlacement Refusal(PlacementStatus status, ImmutableArray<string> productIds, string problem)
        => new(status, null, productIds, $"{problem}: {string.Join(", ", productIds)}.");
}
