using System.Globalization;
using Grains.Orders;
using WebFrontend.Http;

namespace WebFrontend.Features.Orders;

/// <summary>The problem for an order its products refuse, whether the saga or the sale check before it decided.</summary>
public static class StockRefusals
{
    public static IResult Problem(HttpContext context, OrderPlacement placement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(placement);
        var products = new Dictionary<string, object?> { ["product_ids"] = placement.ProductIds.ToArray() };
        switch (placement.Status)
        {
            case PlacementStatus.ProductNotFound:
                return Http.Problem.Of(context, StatusCodes.Status404NotFound, ProblemTypes.ProductNotFound, "Product not found.", placement.Problem, products);
            case PlacementStatus.SaleNotStarted:
                context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(placement.RetryAfter?.TotalSeconds ?? 1)).ToString(CultureInfo.InvariantCulture);
                return Http.Problem.Of(context, StatusCodes.Status409Conflict, ProblemTypes.SaleNotStarted, "Sale not started.", placement.Problem, products);
            case PlacementStatus.SaleEnded:
                return Http.Problem.Of(context, StatusCodes.Status409Conflict, ProblemTypes.SaleEnded, "Sale ended.", placement.Problem, products);
            case PlacementStatus.PurchaseLimitReached:
                return Http.Problem.Of(context, StatusCodes.Status409Conflict, ProblemTypes.PurchaseLimitReached, "Purchase limit reached.", placement.Problem, products);
            default:
                return Http.Problem.Of(context, StatusCodes.Status409Conflict, ProblemTypes.OutOfStock, "Out of stock.", placement.Problem, products);
        }
    }
}
