using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using WebFrontend.Features.Orders;
using WebFrontend.Features.Products;
using WebFrontend.Features.Wallets;
using WebFrontend.Auth;

namespace WebFrontend.OpenApi;

/// <summary>
/// Request bodies as clients must send them. Their records take every field as nullable so that a missing or null one
/// is a 400 naming the field rather than a deserialization failure; to a client each is a required, non-null value,
/// except the few that are optional.
/// </summary>
public sealed class RequestSchemaTransformer : IOpenApiSchemaTransformer
{
    private static readonly HashSet<Type> s_requests =
    [
        typeof(CreateProductRequest), typeof(UpdateProductRequest), typeof(StockAdjustmentRequest), typeof(CreateOrderRequest),
        typeof(OrderItemRequest), typeof(WalletMovementRequest), typeof(TokenRequest),
    ];

    /// <summary>Optional fields, by request: absent or null means none.</summary>
    private static readonly Dictionary<Type, string[]> s_optional = new() { [typeof(CreateOrderRequest)] = ["coupon_code"] };

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is { } property)
        {
            var optional = s_optional.TryGetValue(property.DeclaringType, out var names) && names.Contains(property.Name);
            if (s_requests.Contains(property.DeclaringType) && !optional && schema.Type is { } type)
            {
                schema.Type = type & ~JsonSchemaType.Null;
            }
        }
        else if (s_optional.TryGetValue(context.JsonTypeInfo.Type, out var optionalNames))
        {
            foreach (var name in optionalNames)
            {
                schema.Required?.Remove(name);
            }
        }

        return Task.CompletedTask;
    }
}
