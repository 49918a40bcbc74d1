using System.Text.Json;
using Grains.Orders;
using Grains.Products;
using WebFrontend.Auth;
using WebFrontend.Http;
using WebFrontend.Idempotency;

namespace WebFrontend.Features.Orders;

/// <summary>Marks the endpoint that places orders: products on a flash sale may turn it away before anything is written.</summary>
public sealed class AdmittedBySaleProducts;

/// <summary>
/// In a flash sale most buyers come after the stock is gone. Before an order grain is activated (a database read),
/// every product on the order is asked, from its memory, whether it would refuse the order now
/// (<see cref="IProductGrain.Admit"/>); a refusal is answered at once, as the saga would answer it, and nothing is
/// written. A product not on a sale, or one that already holds the order (a retry), lets it through, and the saga
/// decides as ever; products recently seen without a sale (<see cref="ProductsWithoutSale"/>) are not asked, so an
/// ordinary order pays no extra call. A refusal is not stored under the key: nothing happened, and a retry is decided
/// afresh.
/// </summary>
public sealed class SaleAdmissionMiddleware(RequestDelegate next, IGrainFactory grains, ProductsWithoutSale withoutSale, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<AdmittedBySaleProducts>() is null
            || context.User.Identity?.IsAuthenticated != true
            || context.Request.Headers[IdempotencyMiddleware.KeyHeader] is not [{ Length: > 0 } key]
            || await Lines(context) is not { Length: > 0 } lines)
        {
            await next(context);
            return;
        }

        var asked = lines.Where(line => !withoutSale.IsKnown(line.ProductId)).ToList();
        if (asked.Count == 0)
        {
            await next(context);
            return;
        }

        var customerId = context.User.UserId();
        var orderId = OrderIds.For(customerId, key);
        var outcomes = await Task.WhenAll(asked.Select(line => grains.GetGrain<IProductGrain>(line.ProductId).Admit(orderId, line.Quantity, customerId)));
        for (var i = 0; i < asked.Count; i++)
        {
            if (!outcomes[i].OnSale)
            {
                withoutSale.Remember(asked[i].ProductId);
            }
        }

        if (ReservationRefusals.Of(asked, outcomes, time.GetUtcNow()) is { } refused)
        {
            await StockRefusals.Problem(context, refused).ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    /// <summary>The order's lines when the body is a valid order; otherwise null, and the endpoint says what is wrong.</summary>
    private static async Task<OrderLineRequest[]?> Lines(HttpContext context)
    {
        if (await RequestBody.ReadAsync(context) is not { } body)
        {
            return null;
        }

        CreateOrderRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(body.Bytes.Span, ApiJson.Context.CreateOrderRequest);
        }
        catch (JsonException)
        {
            return null;
        }

        var errors = new FieldErrors();
        var lines = request is null ? [] : OrderEndpoints.Lines(request, errors);
        return errors.Any || (request?.CouponCode is { } coupon && !FieldErrors.IsIdentifier(coupon)) ? null : [.. lines];
    }
}
