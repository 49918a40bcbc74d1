using System.ComponentModel;
using Grains.Products;
using WebFrontend.Http;

namespace WebFrontend.Features.Products;

public sealed record CreateProductRequest(string? Id, string? Name, [property: Description(Amounts.Description)] long? Price, int? Stock);

public sealed record UpdateProductRequest(string? Name, [property: Description(Amounts.Description)] long? Price);

public sealed record StockAdjustmentRequest(int? Delta, string? Reason);

public sealed record ProductResponse(string Id, string Name, [property: Description(Amounts.Description)] long Price, int StockAvailable, long Version, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static ProductResponse From(ProductDetails product)
        => new(product.Id, product.Name, product.Price, product.StockAvailable, product.Version, product.CreatedAt.UtcDateTime, product.UpdatedAt.UtcDateTime);
}

public sealed record ProductListItem(string Id, string Name, [property: Description(Amounts.Description)] long Price, int StockAvailable, long Version);

public sealed record StockResponse(int StockAvailable, long Version);

/// <summary>Where the next product page starts, for one sort order.</summary>
public sealed record ProductCursor(string Sort, string Name, long Price, string Id);
