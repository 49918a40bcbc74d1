using System.Globalization;
using Grains.Persistence.Queries;
using Grains.Products;
using WebFrontend.Auth;
using WebFrontend.Http;
using WebFrontend.OpenApi;
using WebFrontend.Idempotency;

namespace WebFrontend.Features.Products;

/// <summary>The catalog and its stock: lists and details for everyone, changes for managers.</summary>
public static class ProductEndpoints
{
    // Whole đồng (VND has no minor unit). A full order (50 lines of 100 units) at this price, times VNPay's ×100, still
    // fits a long with room to spare.
    private const long MaxPrice = 1_000_000_000_000;
    private const int MaxStock = 10_000_000;
    private const int MaxPerBuyerLimit = 10_000;

    public static void MapProductEndpoints(this RouteGroupBuilder api)
    {
        var products = api.MapGroup("/products").WithTags("Products");
        products.MapGet("/", ListAsync).AllowAnonymous().AllowQuery("limit", "cursor", "q", "sort")
            .Produces<ListResponse<ProductListItem>>()
            .WithName("listProducts").WithSummary("List products")
            .WithDescription("The catalog a page at a time (follow `next_cursor`), sorted by `name`, `price` or `-price`, optionally filtered by "
                + "a case-insensitive search `q` in names. Prices are whole đồng.");
        products.MapGet("/{id}", GetAsync).AllowAnonymous().AcceptsConditions()
            .Produces<ProductResponse>().Produces(StatusCodes.Status304NotModified)
            .ProducesProblemTypes(ProblemTypes.NotFound, ProblemTypes.PreconditionFailed)
            .WithName("getProduct").WithSummary("Get a product")
            .WithDescription("The product with its price in whole đồng and its available stock; `ETag` is its version. An `If-None-Match` that "
                + "matches answers 304 without a body, an `If-Match` that does not answers 412 (RFC 9110 §13).");
        products.MapPost("/", CreateAsync).RequirePermission(Permissions.ProductWrite)
            .Accepts<CreateProductRequest>("application/json").Produces<ProductResponse>(StatusCodes.Status201Created)
            .ProducesProblemTypes(ProblemTypes.ProductExists)
            .WithName("createProduct").WithSummary("Create a product")
            .WithDescription("Adds a product under the id the caller chooses, with its price in whole đồng and its opening stock. An id in use "
                + "is 409 `product-exists`.");
        products.MapPut("/{id}", UpdateAsync).RequirePermission(Permissions.ProductWrite).AcceptsConditions(ifMatchRequired: true)
            .Accepts<UpdateProductRequest>("application/json").Produces<ProductResponse>()
            .ProducesProblemTypes(ProblemTypes.NotFound, ProblemTypes.PreconditionFailed, ProblemTypes.PreconditionRequired)
            .WithName("updateProduct").WithSummary("Update a product")
            .WithDescription("Replaces the name and the price (whole đồng). Needs `If-Match` with the product's current `ETag` (428 without "
                + "it, 412 when stale), so of two writers holding one version exactly one wins.");
        products.MapPut("/{id}/sale", SetSaleAsync).RequirePermission(Permissions.ProductWrite).AcceptsConditions(ifMatchRequired: true)
            .Accepts<SetSaleRequest>("application/json").Produces<ProductResponse>()
            .ProducesProblemTypes(ProblemTypes.NotFound, ProblemTypes.PreconditionFailed, ProblemTypes.PreconditionRequired)
            .WithName("setProductSale").WithSummary("Put a product on a flash sale")
            .WithDescription("Sets the product's flash sale: its window (`starts_at` to `ends_at`), the units one customer may hold or buy in it "
                + "(`per_buyer_limit`, 1 by default) and the units on sale (`stock`, which becomes the available stock). Orders before the window "
                + "are 409 `sale-not-started` (with `Retry-After`), after it 409 `sale-ended`, past a customer's limit 409 `purchase-limit-reached`. "
                + "Changing a sale keeps what each customer already holds or bought counting against the limit. Needs `If-Match` like an update.");
        products.MapPost("/{id}/stock-adjustments", AdjustStockAsync).RequirePermission(Permissions.ProductWrite).WithMetadata(new RequiresIdempotencyKey())
            .Accepts<StockAdjustmentRequest>("application/json").Produces<StockResponse>()
            .ProducesProblemTypes(ProblemTypes.NotFound, ProblemTypes.InsufficientStock)
            .WithName("adjustStock").WithSummary("Adjust a product's stock")
            .WithDescription("Adds stock (a positive `delta`) or removes it (a negative one), with a reason. Stock never goes below zero: "
                + "409 `insufficient-stock`.");
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
        var (ifMatch, ifNoneMatch, malformed) = Conditions(context);
        if (malformed is not null)
        {
            return malformed;
        }

        if (!FieldErrors.IsIdentifier(id) || await grains.GetGrain<IProductGrain>(id).Get() is not { } product)
        {
            return Problem.NotFound(context, $"No product {id}.");
        }

        var etag = EntityTags.Of(product.Version);
        context.Response.Headers.ETag = etag;

        // RFC 9110 §13.2.2: If-Match first, by the strong comparison; then If-None-Match, by the weak one, where a
        // match on a GET means the client's copy is current.
        if (ifMatch.Kind != EntityTagHeaderKind.Absent && !ifMatch.Matches(etag, strongComparison: true))
        {
            return IfMatchFailed(context, product.Version);
        }

        return ifNoneMatch.Matches(etag, strongComparison: false)
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
        var (ifMatch, ifNoneMatch, malformed) = Conditions(context);
        if (malformed is not null)
        {
            return malformed;
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

        if (!FieldErrors.IsIdentifier(id))
        {
            return Problem.NotFound(context, $"No product {id}.");
        }

        return await WriteAtVersionAsync(id, context, grains.GetGrain<IProductGrain>(id), ifMatch, ifNoneMatch,
            (grain, version) => grain.Update(new ProductChanges(request.Name!, request.Price!.Value), version));
    }

    private static async Task<IResult> SetSaleAsync(string id, HttpContext context, IGrainFactory grains)
    {
        var (ifMatch, ifNoneMatch, malformed) = Conditions(context);
        if (malformed is not null)
        {
            return malformed;
        }

        var (request, problem) = await JsonBody.ReadAsync(context, ApiJson.Context.SetSaleRequest);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        var startsAt = Timestamp("starts_at", request!.StartsAt, errors);
        var endsAt = Timestamp("ends_at", request.EndsAt, errors);
        if (startsAt is not null && endsAt is not null && endsAt <= startsAt)
        {
            errors.Add("ends_at", "Must be after starts_at.");
        }

        var perBuyerLimit = request.PerBuyerLimit ?? 1;
        errors.Range("per_buyer_limit", perBuyerLimit, 1, MaxPerBuyerLimit);
        errors.Range("stock", request.Stock, 0, MaxStock);
        if (errors.Any)
        {
            return Problem.Validation(context, errors.ToDictionary());
        }

        if (!FieldErrors.IsIdentifier(id))
        {
            return Problem.NotFound(context, $"No product {id}.");
        }

        var sale = new FlashSale(startsAt!.Value, endsAt!.Value, perBuyerLimit, request.Stock!.Value);
        return await WriteAtVersionAsync(id, context, grains.GetGrain<IProductGrain>(id), ifMatch, ifNoneMatch, (grain, version) => grain.SetSale(sale, version));
    }

    private static DateTimeOffset? Timestamp(string field, string? text, FieldErrors errors)
    {
        if (errors.Required(field, text) is not { } value)
        {
            return null;
        }

        if (Rfc3339.Timestamp().IsMatch(value) && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var timestamp))
        {
            return timestamp;
        }

        errors.Add(field, "Must be an RFC 3339 date-time such as 2026-12-12T12:00:00Z.");
        return null;
    }

    /// <summary>
    /// A change that needs the caller to name the version it changes (If-Match), so that of two writers holding one
    /// version exactly one wins.
    /// </summary>
    private static async Task<IResult> WriteAtVersionAsync(
        string id, HttpContext context, IProductGrain grain, EntityTagHeader ifMatch, EntityTagHeader ifNoneMatch, Func<IProductGrain, long, Task<ProductWrite>> write)
    {
        // If-Match naming one version, and no If-None-Match: the grain compares that version as it writes, in one call,
        // so of two PUTs with one ETag exactly one wins. Otherwise the product is read once: to answer 404 before 428,
        // and to evaluate the conditions (RFC 9110 §13.2.2: If-Match, then If-None-Match) on the version read, which
        // the write then requires — if the product changes before the write lands, 412 all the same.
        var expectedVersion = ifMatch.Kind == EntityTagHeaderKind.List && ifNoneMatch.Kind == EntityTagHeaderKind.Absent ? EntityTags.OnlyVersion(ifMatch) : null;
        if (expectedVersion is null)
        {
            if (await grain.Get() is not { } current)
            {
                return Problem.NotFound(context, $"No product {id}.");
            }

            if (ifMatch.Kind == EntityTagHeaderKind.Absent)
            {
                return Problem.Of(context, StatusCodes.Status428PreconditionRequired, ProblemTypes.PreconditionRequired, "If-Match required.",
                    "Send the ETag you last read in If-Match, so that a concurrent change is not overwritten.");
            }

            var etag = EntityTags.Of(current.Version);
            if (!ifMatch.Matches(etag, strongComparison: true))
            {
                return IfMatchFailed(context, current.Version);
            }

            if (ifNoneMatch.Matches(etag, strongComparison: false))
            {
                context.Response.Headers.ETag = etag;
                return Problem.Of(context, StatusCodes.Status412PreconditionFailed, ProblemTypes.PreconditionFailed, "Precondition failed.",
                    $"If-None-Match matches the product's current version, {current.Version.ToString(CultureInfo.InvariantCulture)}.");
            }

            expectedVersion = current.Version;
        }

        var written = await write(grain, expectedVersion.Value);
        switch (written.Status)
        {
            case ProductWriteStatus.NotFound:
                return Problem.NotFound(context, $"No product {id}.");
            case ProductWriteStatus.VersionMismatch:
                context.Response.Headers.ETag = EntityTags.Of(written.Product!.Version);
                return Problem.Of(context, StatusCodes.Status412PreconditionFailed, ProblemTypes.PreconditionFailed, "Precondition failed.",
                    $"The product is at version {written.Product.Version.ToString(CultureInfo.InvariantCulture)}, not {expectedVersion.Value.ToString(CultureInfo.InvariantCulture)}: read it again.");
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

    /// <summary>
    /// The request's If-Match and If-None-Match, and the answer a malformed one gets (null when both are well formed).
    /// A field that is neither <c>*</c> nor a list of entity-tags is refused before anything is read or written: any
    /// reading of it would be a guess, and a wrong guess could overwrite a newer version.
    /// </summary>
    private static (EntityTagHeader IfMatch, EntityTagHeader IfNoneMatch, IResult? Malformed) Conditions(HttpContext context)
    {
        const string Expected = "Must be * or a comma-separated list of entity tags such as \"3\" or W/\"3\".";
        var ifMatch = EntityTagHeader.Parse(context.Request.Headers.IfMatch);
        var ifNoneMatch = EntityTagHeader.Parse(context.Request.Headers.IfNoneMatch);
        var errors = new FieldErrors();
        if (ifMatch.Kind == EntityTagHeaderKind.Malformed)
        {
            errors.Add("If-Match", Expected);
        }

        if (ifNoneMatch.Kind == EntityTagHeaderKind.Malformed)
        {
            errors.Add("If-None-Match", Expected);
        }

        return (ifMatch, ifNoneMatch, errors.Any ? Problem.Validation(context, errors.ToDictionary()) : null);
    }

    private static IResult IfMatchFailed(HttpContext context, long version)
    {
        context.Response.Headers.ETag = EntityTags.Of(version);
        return Problem.Of(context, StatusCodes.Status412PreconditionFailed, ProblemTypes.PreconditionFailed, "Precondition failed.",
            $"The product is at version {version.ToString(CultureInfo.InvariantCulture)}, which If-Match does not name: read it again.");
    }
}
