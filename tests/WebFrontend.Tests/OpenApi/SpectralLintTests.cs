using System.Net;
using System.Text.Json.Nodes;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests.OpenApi;

/// <summary>
/// The OpenAPI document serves client generators (issue 11, item 9): Spectral's <c>spectral:oas</c> ruleset finds
/// nothing in it, every operation is named and described, and every error is a problem-details response.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class SpectralLintTests(ApiCluster api)
{
    // The token endpoint exists in Development only, so that document has one more operation to hold to the rules.
    [Theory]
    [InlineData("Testing")]
    [InlineData("Development")]
    public async Task Spectral_finds_no_error_and_no_warning_in_the_served_document(string environment)
    {
        var document = await DocumentAsync(environment);
        var file = Path.Combine(Path.GetTempPath(), $"openapi-{environment}-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, document.ToJsonString());
        try
        {
            var findings = await Spectral.LintAsync(file);

            Assert.True(findings.Count == 0, $"Spectral found {findings.Count} in the {environment} document:\n{string.Join('\n', findings)}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Every_operation_is_named_and_described_and_every_error_is_a_problem()
    {
        var document = await DocumentAsync("Development");
        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(operation => (Name: $"{operation.Key.ToUpperInvariant()} {path.Key}", Operation: operation.Value!)))
            .ToList();

        Assert.Contains("POST /api/v1/auth/token", operations.Select(o => o.Name));
        var operationIds = operations.Select(o => o.Operation["operationId"]?.GetValue<string>()).ToList();
        Assert.All(operationIds, id => Assert.Matches("^[a-z][A-Za-z]+$", id));
        Assert.Equal(operationIds.Count, operationIds.Distinct().Count());
        var problems = new List<string>();
        foreach (var (name, operation) in operations)
        {
            if (string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()) || string.IsNullOrWhiteSpace(operation["description"]?.GetValue<string>()))
            {
                problems.Add($"{name}: no summary or description");
            }

            foreach (var (status, response) in operation["responses"]!.AsObject().Where(r => int.Parse(r.Key) >= 400))
            {
                var schema = response!["content"]?.AsObject().Single() is { Key: "application/problem+json" } content ? content.Value!["schema"]!["$ref"]?.GetValue<string>() : null;
                if (schema != "#/components/schemas/Problem")
                {
                    problems.Add($"{name} {status}: {response.ToJsonString()}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        var placeOrder = operations.Single(o => o.Name == "POST /api/v1/orders").Operation;
        Assert.Equal("placeOrder", placeOrder["operationId"]!.GetValue<string>());
        Assert.Equal(["201", "400", "401", "403", "404", "409", "413", "415", "422", "429", "500", "503"], placeOrder["responses"]!.AsObject().Select(r => r.Key));
        Assert.Equal("Unprocessable Entity: a problem of type `coupon-invalid`, `idempotency-key-reused`.", placeOrder["responses"]!["422"]!["description"]!.GetValue<string>());
        Assert.Equal("Too Many Requests: a problem of type `rate-limited`.", placeOrder["responses"]!["429"]!["description"]!.GetValue<string>());
        Assert.Equal("Service Unavailable: a problem of type `gateway-unavailable`, `service-unavailable`, `overloaded`.", placeOrder["responses"]!["503"]!["description"]!.GetValue<string>());
        Assert.All(new[] { "429", "503" }, status => Assert.NotNull(placeOrder["responses"]![status]!["headers"]?["Retry-After"]));

        // Other writes spend from their own budget; reads from none.
        Assert.NotNull(operations.Single(o => o.Name == "POST /api/v1/wallets/{userId}/debits").Operation["responses"]!["429"]);
        Assert.Null(operations.Single(o => o.Name == "GET /api/v1/products/{id}").Operation["responses"]!["429"]);
        Assert.Equal("Idempotency-Key", placeOrder["parameters"]!.AsArray().Single()!["name"]!.GetValue<string>());
        Assert.Equal("bearer", placeOrder["security"]!.AsArray().Single()!.AsObject().Single().Key);
    }

    private async Task<JsonNode> DocumentAsync(string environment)
    {
        await using var frontEnd = new FrontEnd(api.ConnectionString, environment: environment);
        await frontEnd.ConnectedAsync();
        using var client = frontEnd.ClientFor(null);
        var document = await client.GetJsonAsync("/openapi/v1.json");
        Assert.True(document.Status == HttpStatusCode.OK, document.ToString());
        return document.Json!;
    }
}
