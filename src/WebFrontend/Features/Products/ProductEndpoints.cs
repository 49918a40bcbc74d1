using System.Globalization;
using Grains.Persistence.Queries;
using Grains.Products;
using WebFrontend.Auth;
using WebFrontend.Http;
using WebFrontend.Idempotency;

namespace WebFrontend.Features.Products;

/// <summary>The catalog and its stock: lists and details for everyone, changes for managers.</summary>
public static class ProductEndpoints
{
    private const long MaxPrice = 1_000_000_000_000_000; // minor units
    private const int MaxStock = 10_000_000;

    public static void MapProductEndpoints(this RouteGroupBuilder api)
    {
        var products = api.MapGroup("/products").WithTags("Products");
        products.MapGet("/", ListAsync).AllowAnonymous().AllowQuery("limit", "cursor", "q", "sort")
            .Produces<ListResponse<ProductListItem>>().ProducesValidationProblem();
        products.MapGet("/{id}", GetAsync).AllowAnonymous()
            .Produces<ProductResponse>().Produces(StatusCodes.Status304NotModified).ProducesProblem(StatusCodes.Status404NotFound);
        products.MapPost("/", CreateAsync).RequirePermission(Permissions.ProductWrite)
            .Accepts<CreateProductRequest>("application/json").Produces<ProductResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        products.MapPut("/{id}", UpdateAsync).RequirePermission(Permissions.ProductWrite)
            .Accepts<UpdateProductRequest>("application/json").Produces<ProductResponse>().ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status428PreconditionRequired);
        products.MapPost("/{id}/stock-adjustments", AdjustStockAsync).RequirePermission(Permissions.ProductWrite).WithMetadata(new RequiresIdempotencyKey())
            .Accepts<StockAdjustmentRequest>("application/json").Produces<StockResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> ListAsync(HttpContext context, IProductQueries queries, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var errors = new FieldErrors();
        var limit = ListQuery.Limit(query, errors);
        var sortName = query.TryGetValue("sort", out var sortValue) ? sortValue.ToString() : "name";
        ProductSort? sort = sortName switch
        {
            "name" => ProductSort.Name,
            "price" => ProductSort.Price,
            "-price" => ProductSort.PriceDescending,
            _ => null,
        };
        if (sort is null)
        {
            errors.Add("sort", "Must be name, price or -price.");
        }

        string? search = null;
        if (query.TryGetValue("q", out var q))
        {
            search = q.ToString();
            if (search.Length is 0 or > 100 || search.Any(char.IsControl))
            {
                errors.Add("q", "Must be 1 to 100 characters.");
            }
        }

        ProductPosition? after = null;
        if (query.TryGetValue("cursor", out var cursor))
        {
            if (ListCursor.TryDecode(cursor, ApiJson.Context.ProductCursor, out var position)
                && position!.Sort == sortName && position.Name is not null && FieldErrors.IsIdentifier(position.Id))
            {
                after = new ProductPosition(position.Name, position.Price, position.Id);
            }
            else
            {
                errors.Add("cursor", "Not a cursor of this list and sort order.");
            }
        }

        if (errors.Any)
        {
            return Problem.Validation(context, errors.ToDictionary());
        }

        var page = await queries.ListAsync(new ProductListRequest(sort!.Value, search, limit, after), cancellationToken);
        var next = page.Next is { } n ? ListCursor.Encode(new ProductCursor(sortName, n.Name, n.Price, n.Id), ApiJson.Context.ProductCursor) : null;
        var items = page.Items.Select(p => new ProductListItem(p.Id, p.Name, p.Price, p.StockAvailable, p.Version)).ToList();
        return TypedResults.Json(new ListResponse<ProductListItem>(items, next), ApiJson.Context.ListResponseProductListItem);
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, IGrainFactory grains)
    {
        if (!FieldErrors.IsIdentifier(id) || await grains.GetGrain<IProductGrain>(id).Get() is not { } product)
        {
            return Problem.NotFound(context, $"No product {id}.");
        }

        context.Response.Headers.ETag = EntityTags.Of(product.Version);
        return EntityTags.NoneMatchHits(context.Request, product.Version)
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Json(ProductResponse.From(product), ApiJson.Context.ProductResponse);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, IGrainFactory grains)
    {
        var (request, problem) = await JsonBody.ReadAsync(context, ApiJson.Context.CreateProductRequest);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        errors.Identifier("id", request!.Id);
        errors.Text("name", request.Name, 200);
        errors.Range("price", request.Price, 0, MaxPrice);
        errors.Range("stock", request.Stock, 0, MaxStock);
        if (errors.Any)
        {
            return Problem.Validation(context, errors.ToDictionary());
        }

        var written = await grains.GetGrain<IProductGrain>(request.Id!).Create(new NewProduct(request.Name!, request.Price!.Value, request.Stock!.Value));
        if (written.Status == ProductWriteStatus.AlreadyExists)
        {
            return Problem.Of(context, StatusCodes.Status409Conflict, ProblemTypes.ProductExists, "Product exists.", $"A product with id {request.Id} already exists.");
        }

        context.Response.Headers.ETag = EntityTags.Of(written.Product!.Version);
        context.Response.Headers.Location = $"/api/v1/products/{request.Id}";
        return TypedResults.Json(ProductResponse.From(written.Product), ApiJson.Context.ProductResponse, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> UpdateAsync(string id, HttpContext context, IGrainFactory grains)
    {
        var (ifMatch, expectedVersion) = EntityTags.ParseIfMatch(context.Request);
        if (ifMatch == EntityTags.IfMatch.Malformed)
        {
            return Problem.Validation(context, "If-Match", "Must be one strong entity tag such as \"3\", or *.");
        }

        var (request, problem) = await JsonBody.ReadAsync(context, ApiJson.Context.UpdateProductRequest);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        errors.Text("name", request!.Name, 200);
        errors.Range("price", request.Price, 0, MaxPrice);
        if (errors.Any)
        {
            return Problem.Validation(context, errors.ToDictionary());
        }

        var grain = FieldErrors.IsIdentifier(id) ? grains.GetGrain<IProductGrain>(id) : null;

        // Without a version to compare, the product is read once: to answer 404 before 428, and for "*" (whatever
        // version is current, still refused if it changes before the update lands).
        var current = grain is not null && ifMatch != EntityTags.IfMatch.Version ? await grain.Get() : null;
        if (grain is null || (ifMatch != EntityTags.IfMatch.Version && current is null))
        {
            return Problem.NotFound(context, $"No product {id}.");
        }

        if (ifMatch == EntityTags.IfMatch.Missing)
        {
            return Problem.Of(context, StatusCodes.Status428PreconditionRequired, ProblemTypes.PreconditionRequired, "If-Match required.",
                "Send the ETag you last read in If-Match, so that a concurrent change is not overwritten.");
        }

        if (ifMatch == EntityTags.IfMatch.Any)
        {
            expectedVersion = current!.Version;
        }

        var written = await grain.Update(new ProductChanges(request.Name!, request.Price!.Value), expectedVersion);
        switch (written.Status)
        {
            case ProductWriteStatus.NotFound:
                return Problem.NotFound(context, $"No product {id}.");
            case ProductWriteStatus.VersionMismatch:
                context.Response.Headers.ETag = EntityTags.Of(written.Product!.Version);
                return Problem.Of(context, StatusCodes.Status412PreconditionFailed, ProblemTypes.PreconditionFailed, "Precondition failed.",
                    $"The product is at version {written.Product.Version.ToString(CultureInfo.InvariantCulture)}, not {expectedVersion.ToString(CultureInfo.InvariantCulture)}: read it again.");
            default:
                context.Response.Headers.ETag = EntityTags.Of(written.Product!.Version);
                return TypedResults.Json(ProductResponse.From(written.Product), ApiJson.Context.ProductResponse);
        }
    }

    private static async Task<IResult> AdjustStockAsync(string id, HttpContext context, IGrainFactory grains)
    {
        var (request, problem) = await JsonBody.ReadAsync(context, ApiJson.Context.StockAdjustmentRequest);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        errors.Range("delta", request!.Delta, -MaxStock, MaxStock);
        if (request.Delta == 0)
        {
            errors.Add("delta", "Must not be zero.");
        }

        errors.Text("reason", request.Reason, 200);
        if (errors.Any)
        {
            return Problem.Validation(context, errors.ToDictionary());
        }

        if (!FieldErrors.IsIdentifier(id))
        {
            return Problem.NotFound(context, $"No product {id}.");
        }

        var written = await grains.GetGrain<IProductGrain>(id).AdjustStock(request.Delta!.Value, request.Reason!);
        return written.Status switch
        {
            ProductWriteStatus.NotFound => Problem.NotFound(context, $"No product {id}."),
            ProductWriteStatus.WouldGoNegative => Problem.Of(context, StatusCodes.Status409Conflict, ProblemTypes.InsufficientStock, "Stock would go negative.",
                $"Only {written.Product!.StockAvailable.ToString(CultureInfo.InvariantCulture)} units are available."),
            _ => TypedResults.Json(new StockResponse(written.Product!.StockAvailable, written.Product.Version), ApiJson.Context.StockResponse),
        };
    }
}
