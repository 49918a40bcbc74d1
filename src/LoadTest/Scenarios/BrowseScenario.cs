using System.Globalization;
using System.Text.Json.Nodes;
using LoadTest.Arguments;
using LoadTest.Measuring;
using LoadTest.Running;

namespace LoadTest.Scenarios;

/// <summary>
/// Hot reads, anonymous as a shopper browsing is: nine of ten iterations read one product's details (round robin over
/// the catalogue's first page, or the one <c>--product</c>), the tenth the first page itself. Every read must answer
/// 200; a rate limit's 429 is counted as shed.
/// </summary>
public sealed class BrowseScenario(LoadTestArguments arguments, ApiClient api) : Scenario
{
    private const string FirstPage = "/api/v1/products?limit=20";

    private string[] _productIds = [];

    public override string Name => "browse";

    public override JsonObject Setup => new() { ["products"] = new JsonArray([.. _productIds.Select(id => JsonValue.Create(id))]) };

    public override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        var setup = api.Unmeasured();
        if (arguments.Product is { } product)
        {
            var answer = await setup.GetAsync("setup", $"/api/v1/products/{product}", token: null, cancellationToken);
            _productIds = answer.Status == 200 ? [product] : throw new ScenarioSetupException($"GET /api/v1/products/{product} answered {answer}");
            return;
        }

        var page = await setup.GetAsync("setup", FirstPage, token: null, cancellationToken);
        _productIds = page.Status == 200 && page.Json()?["items"] is JsonArray items
            ? [.. items.Select(item => item!["id"]!.GetValue<string>())]
            : throw new ScenarioSetupException($"GET {FirstPage} answered {page}");
        if (_productIds.Length == 0)
        {
            throw new ScenarioSetupException("The catalogue is empty: nothing to browse (give --product, or seed products first).");
        }
    }

    public override Task RunOnceAsync(long iteration, CancellationToken cancellationToken) => iteration % 10 == 9
        ? api.GetAsync("GET /products", FirstPage, token: null, cancellationToken)
        : api.GetAsync("GET /products/{id}", $"/api/v1/products/{_productIds[iteration % _productIds.Length]}", token: null, cancellationToken);

    public override bool IsExpectedRefusal(Answer answer) => answer.Status == 429;

    public override Task<Verdict> VerifyAsync(TimeSpan elapsed, CancellationToken cancellationToken) => Task.FromResult(new Verdict(
        [],
        [KeyValuePair.Create("products", _productIds.Length.ToString(CultureInfo.InvariantCulture))],
        new JsonObject { ["products"] = _productIds.Length }));
}
