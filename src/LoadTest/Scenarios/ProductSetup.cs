using System.Text.Json.Nodes;
using LoadTest.Running;

namespace LoadTest.Scenarios;

/// <summary>
/// The product a buying scenario works on, through the API: read as it is, or, with <c>--stock</c>, created by a
/// manager or its available stock adjusted to the number asked (units held by earlier runs' unpaid orders stay held,
/// and come back when those orders expire).
/// </summary>
public sealed class ProductSetup(ApiClient api, string managerToken)
{
    private const long Price = 990_000; // whole đồng, a flash-sale price

    /// <summary>The product's available stock, which must exist.</summary>
    public async Task<int> AvailableAsync(string productId, CancellationToken cancellationToken)
    {
        var product = await api.GetAsync("setup", $"/api/v1/products/{productId}", token: null, cancellationToken);
        return product.Status switch
        {
            200 => product.Json()?["stock_available"]?.GetValue<int>() ?? throw new ScenarioSetupException($"GET /api/v1/products/{productId} answered without stock_available: {product}"),
            404 => throw new ScenarioSetupException($"There is no product {productId}: give --stock N to create it, or --product an existing id."),
            _ => throw new ScenarioSetupException($"GET /api/v1/products/{productId} answered {product}"),
        };
    }

    /// <summary>Creates the product with <paramref name="stock"/> units, or brings an existing one's available stock to it.</summary>
    public async Task CreateOrResetAsync(string productId, int stock, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["id"] = productId, ["name"] = $"Load test: {productId}", ["price"] = Price, ["stock"] = stock }.ToJsonString();
        var created = await api.PostAsync("setup", "/api/v1/products", managerToken, body, idempotencyKey: null, cancellationToken);
        if (created.Status == 201)
        {
            return;
        }

        if (created.Answer.ProblemType != "product-exists")
        {
            throw new ScenarioSetupException($"Creating product {productId} as a manager answered {created}"
                + (created.Status == 401 ? " (is --signing-key the front end's Auth:SigningKey, with its --issuer and --audience?)" : ""));
        }

        var delta = stock - await AvailableAsync(productId, cancellationToken);
        if (delta == 0)
        {
            return;
        }

        var adjustment = new JsonObject { ["delta"] = delta, ["reason"] = "load test: reset before a run" }.ToJsonString();
        var adjusted = await api.PostAsync("setup", $"/api/v1/products/{productId}/stock-adjustments", managerToken, adjustment, Guid.NewGuid().ToString("N"), cancellationToken);
        var available = adjusted.Status == 200 ? adjusted.Json()?["stock_available"]?.GetValue<int>() : null;
        if (available != stock)
        {
            throw new ScenarioSetupException($"Resetting product {productId} to {stock} units answered {adjusted} (is something else buying it?)");
        }
    }
}
