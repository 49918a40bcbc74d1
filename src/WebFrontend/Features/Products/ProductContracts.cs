using System.ComponentModel;
using Grains.Products;
using WebFrontend.Http;

namespace WebFrontend.Features.Products;

public sealed record CreateProductRequest(string? Id, string? Name, [property: Description(Amounts.Description)] long? Price, int? Stock);

public sealed record UpdateProductRequest(string? Name, [property: Description(Amounts.Description)] long? Price);

public sealed record StockAdjustmentRequest(int? Delta, string? Reason);

/// <summary>A flash sale as a manager sets it; timestamps are RFC 3339.</summary>
public sealed record SetSaleRequest(
    [property: Description("When the sale opens (RFC 3339 date-time); before it, orders are 409 `sale-not-started`.")] string? StartsAt,
    [property: Description("When the sale closes (RFC 3339 date-time, after `starts_at`); from then on, orders are 409 `sale-ended`.")] string? EndsAt,
    [property: Description("Units one customer may hold or buy in the sale, across all their orders; 1 when omitted.")] int? PerBuyerLimit,
    [property: Description("The units on sale: the product's available stock becomes this.")] int? Stock);

public sealed record SaleResponse(DateTime StartsAt, DateTime EndsAt, int PerBuyerLimit, int Stock)
{
    public static SaleResponse? From(FlashSale? sale)
        => sale is null ? null : new(sale.StartsAt.UtcDateTime, sale.EndsAt.UtcDateTime, sale.PerBuyerLimit, sale.Stock);
}

public sealed record ProductResponse(
    string Id,
    string Name,
    [property: Description(Amounts.Description)] long Price,
    int StockAvailable,
    long Version,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    [property: Description("The product's flash sale, or null when it is not on one.")] SaleResponse? Sale)
{
    public static ProductResponse From(ProductDetails product)
        => new(product.Id, product.Name, product.Price, product.StockAvailable, product.Version, product.CreatedAt.UtcDateTime, product.UpdatedAt.UtcDateTime, SaleResponse.From(product.Sale));
}

public sealed record ProductListItem(string Id, string Name, [property: Description(Amounts.Description)] long Price, int StockAvailable, long Version);

public sealed record StockResponse(int StockAvailable, long Version);

/// <summary>Where the next product page starts, for one sort order.</summary>
public sealed record ProductCursor(string Sort, string Name, long Price, string Id);
