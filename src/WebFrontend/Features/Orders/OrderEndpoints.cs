using System.Collections.Immutable;
using System.Globalization;
using System.Security.Claims;
using Grains.Orders;
using Grains.Persistence.Queries;
using WebFrontend.Auth;
using WebFrontend.Http;
using WebFrontend.OpenApi;
using WebFrontend.Idempotency;
using WebFrontend.RateLimiting;

namespace WebFrontend.Features.Orders;

/// <summary>Placing orders (the saga of case C11), reading and cancelling them; customers see only their own.</summary>
public static class OrderEndpoints
{
    public const int MaxLines = 50;
    public const int MaxQuantity = 100;

    public static void MapOrderEndpoints(this RouteGroupBuilder api)
    {
        var orders = api.MapGroup("/orders").WithTags("Orders");
        orders.MapPost("/", PlaceAsync).RequirePermission(Permissions.OrderCreate).WithMetadata(new RequiresIdempotencyKey(recordedByResource: true), new AdmittedBySaleProducts())
            .RequireRateLimiting(OrderPlacementConcurrency.PolicyName)
            .Accepts<CreateOrderRequest>("application/json").Produces<OrderResponse>(StatusCodes.Status201Created)
            .ProducesProblemTypes(ProblemTypes.ProductNotFound, ProblemTypes.OutOfStock, ProblemTypes.SaleNotStarted, ProblemTypes.SaleEnded,
                ProblemTypes.PurchaseLimitReached, ProblemTypes.CouponInvalid, ProblemTypes.GatewayUnavailable)
            .WithName("placeOrder").WithSummary("Place an order")
            .WithDescription("Holds stock for every line and the coupon, opens the order's VNPay payment and answers the order as `PENDING_PAYMENT` "
                + "with `payment.pay_url`; if anything cannot be held, nothing is. Amounts are whole đồng. A retry with the same `Idempotency-Key` "
                + "answers the order the first request placed, with `Idempotent-Replayed: true` (the order id derives from the customer and the key, "
                + "and the order is the key's record: a retry while the first runs waits for it; a refusal is not kept, so a retry is decided afresh). A product on a flash sale "
                + "is sold only within its window (409 `sale-not-started` with `Retry-After`, 409 `sale-ended`) and up to its limit per customer, "
                + "counting every order of theirs (409 `purchase-limit-reached`).");
        orders.MapGet("/", ListAsync).RequirePermission(Permissions.OrderRead, Permissions.OrderReadOwn)
            .AllowQuery("status", "customer_id", "created_from", "created_to", "limit", "cursor")
            .Produces<ListResponse<OrderListItem>>()
            .WithName("listOrders").WithSummary("List orders")
            .WithDescription("Newest first, a page at a time (follow `next_cursor`). Staff see every order and may filter by `customer_id`; "
                + "a customer sees only their own.");
        orders.MapGet("/{id}", GetAsync).RequirePermission(Permissions.OrderRead, Permissions.OrderReadOwn)
            .Produces<OrderResponse>().ProducesProblemTypes(ProblemTypes.NotFound)
            .WithName("getOrder").WithSummary("Get an order")
            .WithDescription("The order with its lines, totals in whole đồng and its payment; `ETag` is its version. Another customer's order is "
                + "a 404, like a missing one.");
        orders.MapPost("/{id}/cancel", CancelAsync).RequirePermission(Permissions.OrderUpdate, Permissions.OrderCancelOwn)
            .Produces<OrderResponse>().ProducesProblemTypes(ProblemTypes.NotFound, ProblemTypes.InvalidState)
            .WithName("cancelOrder").WithSummary("Cancel an order")
            .WithDescription("Cancels a `PENDING_PAYMENT` order, giving back its stock and coupon; an order in any other status is 409 `invalid-state`.");
    }

    private static async Task<IResult> PlaceAsync(HttpContext context, ClaimsPrincipal user, IGrainFactory grains)
    {
        var (request, problem) = await JsonBody.ReadAsync(context, ApiJson.Context.CreateOrderRequest);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        var lines = Lines(request!, errors);
        if (request!.CouponCode is { } coupon && !FieldErrors.IsIdentifier(coupon))
        {
            errors.Add("coupon_code", "Must be 1 to 64 letters, digits, '-' or '_'.");
        }

        if (errors.Any)
        {
            return Problem.Validation(context, errors.ToDictionary());
        }

        var orderId = OrderIds.For(user.UserId(), context.Request.Headers[IdempotencyMiddleware.KeyHeader].ToString());
        var placement = await grains.GetGrain<IOrderGrain>(orderId).Place(
            new PlaceOrder(user.UserId(), user.DisplayName(), lines, request.CouponCode, ClientAddress(context)));
        switch (placement.Status)
        {
            case PlacementStatus.Placed:
                context.Response.Headers.Location = $"/api/v1/orders/{orderId}";
                return TypedResults.Json(OrderResponse.From(placement.Order!), ApiJson.Context.OrderResponse, statusCode: StatusCodes.Status201Created);
            case PlacementStatus.AlreadyExists when IsSameOrder(placement.Order!, lines, request.CouponCode):
                // A retry (its first answer lost, or sent while the first ran: the grain takes one call at a time, so
                // it waited for it): the order the key placed.
                context.Response.Headers.Location = $"/api/v1/orders/{orderId}";
                context.Response.Headers[IdempotencyMiddleware.ReplayedHeader] = "true";
                return TypedResults.Json(OrderResponse.From(placement.Order!), ApiJson.Context.OrderResponse, statusCode: StatusCodes.Status201Created);
            case PlacementStatus.AlreadyExists:
                return Problem.Of(context, StatusCodes.Status422UnprocessableEntity, ProblemTypes.IdempotencyKeyReused, "Idempotency-Key reused.",
                    "This key already placed a different order.");
            case PlacementStatus.OutOfStock or PlacementStatus.ProductNotFound or PlacementStatus.SaleNotStarted or PlacementStatus.SaleEnded
                or PlacementStatus.PurchaseLimitReached:
                return StockRefusals.Problem(context, placement);
            case PlacementStatus.CouponInvalid:
                return Problem.Of(context, StatusCodes.Status422UnprocessableEntity, ProblemTypes.CouponInvalid, "Coupon not applicable.", placement.Problem);
            case PlacementStatus.GatewayUnavailable:
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(placement.RetryAfter?.TotalSeconds ?? 1)).ToString(CultureInfo.InvariantCulture);
                return Problem.Of(context, StatusCodes.Status503ServiceUnavailable, ProblemTypes.GatewayUnavailable, "Payment gateway unavailable.", placement.Problem);
            default:
                return Problem.Validation(context, "items", placement.Problem ?? "The order is not valid.");
        }
    }

    private static bool IsSameOrder(OrderView order, ImmutableArray<OrderLineRequest> lines, string? couponCode)
        => order.CouponCode == couponCode
            && order.Items.Select(i => (i.ProductId, i.Quantity)).SequenceEqual(lines.Select(l => (l.ProductId, l.Quantity)));

    /// <summary>The customer's address as the gateway wants it (IPv4 where the socket maps one).</summary>
    private static string ClientAddress(HttpContext context)
        => context.Connection.RemoteIpAddress is { } address
            ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString()
            : "127.0.0.1";

    internal static ImmutableArray<OrderLineRequest> Lines(CreateOrderRequest request, FieldErrors errors)
    {
        if (errors.Required("items", request.Items) is not { } items)
        {
            return [];
        }

        if (items.Count is 0 or > MaxLines)
        {
            errors.Add("items", $"An order has 1 to {MaxLines} lines.");
            return [];
        }

        var lines = ImmutableArray.CreateBuilder<OrderLineRequest>(items.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            if (errors.Required($"items[{i}]", items[i]) is not { } item)
            {
                continue;
            }

            errors.Identifier($"items[{i}].product_id", item.ProductId);
            errors.Range($"items[{i}].quantity", item.Quantity, 1, MaxQuantity);
            if (item.ProductId is { } productId && !seen.Add(productId))
            {
                errors.Add($"items[{i}].product_id", "A product appears on one line only.");
            }

            lines.Add(new OrderLineRequest(item.ProductId ?? "", item.Quantity ?? 0));
        }

        return lines.ToImmutable();
    }

    private static async Task<IResult> ListAsync(HttpContext context, ClaimsPrincipal user, IOrderQueries queries, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var errors = new FieldErrors();
        var limit = ListQuery.Limit(query, errors);
        var status = OrderFilterFields.Status(Single(query, "status"), errors);
        var customerId = OrderFilterFields.CustomerId(Single(query, "customer_id"), errors);

        // A customer sees their own orders only, whatever customer_id says.
        if (!user.Has(Permissions.OrderRead))
        {
            customerId = user.UserId();
        }

        var from = OrderFilterFields.Timestamp("created_from", Single(query, "created_from"), errors);
        var to = OrderFilterFields.Timestamp("created_to", Single(query, "created_to"), errors);
        OrderFilterFields.Window(from, to, errors);

        OrderPosition? after = null;
        if (query.TryGetValue("cursor", out var cursor))
        {
            if (ListCursor.TryDecode(cursor, ApiJson.Context.OrderCursor, out var position) && FieldErrors.IsIdentifier(position!.Id))
            {
                after = new OrderPosition(new DateTimeOffset(DateTime.SpecifyKind(position.CreatedAt, DateTimeKind.Utc)), position.Id);
            }
            else
            {
                errors.Add("cursor", "Not a cursor of this list.");
            }
        }

        if (errors.Any)
        {
            return Problem.Validation(context, errors.ToDictionary());
        }

        var page = await queries.ListAsync(new OrderListRequest(status, customerId, from, to, limit, after), cancellationToken);
        var next = page.Next is { } n ? ListCursor.Encode(new OrderCursor(n.CreatedAt.UtcDateTime, n.Id), ApiJson.Context.OrderCursor) : null;
        var items = page.Items
            .Select(o => new OrderListItem(o.Id, o.CustomerId, o.CustomerName, OrderStatusNames.Of(o.Status), o.Total, o.ItemCount, o.CreatedAt.UtcDateTime))
            .ToList();
        return TypedResults.Json(new ListResponse<OrderListItem>(items, next), ApiJson.Context.ListResponseOrderListItem);
    }

    private static string? Single(IQueryCollection query, string name) => query.TryGetValue(name, out var values) ? values.ToString() : null;

    private static async Task<IResult> GetAsync(string id, HttpContext context, ClaimsPrincipal user, IGrainFactory grains)
    {
        var order = FieldErrors.IsIdentifier(id) ? await grains.GetGrain<IOrderGrain>(id).Get() : null;

        // Another customer's order is answered exactly like a missing one: its existence is not disclosed.
        if (order is null || !user.MayAccess(order.CustomerId, Permissions.OrderRead, Permissions.OrderReadOwn))
        {
            return Problem.NotFound(context, $"No order {id}.");
        }

        context.Response.Headers.ETag = EntityTags.Of(order.Version);
        return TypedResults.Json(OrderResponse.From(order), ApiJson.Context.OrderResponse);
    }

    private static async Task<IResult> CancelAsync(string id, HttpContext context, ClaimsPrincipal user, IGrainFactory grains)
    {
        var grain = FieldErrors.IsIdentifier(id) ? grains.GetGrain<IOrderGrain>(id) : null;
        var order = grain is null ? null : await grain.Get();
        if (order is null || !user.MayAccess(order.CustomerId, Permissions.OrderUpdate, Permissions.OrderCancelOwn))
        {
            return Problem.NotFound(context, $"No order {id}.");
        }

        var change = await grain!.Cancel();
        return change.Status switch
        {
            OrderChangeStatus.NotFound => Problem.NotFound(context, $"No order {id}."),
            OrderChangeStatus.InvalidState => Problem.Of(context, StatusCodes.Status409Conflict, ProblemTypes.InvalidState, "Order cannot be cancelled.",
                $"The order is {OrderStatusNames.Of(change.Order!.Status)}; only a PENDING_PAYMENT order can be cancelled."),
            _ => TypedResults.Json(OrderResponse.From(change.Order!), ApiJson.Context.OrderResponse),
        };
    }
}
