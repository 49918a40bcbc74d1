using System.Net;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests.Security;

/// <summary>
/// OWASP API9:2023, improper inventory management: the OpenAPI document, generated from the running host at
/// /openapi/v1.json, lists every route the host answers and nothing it does not, so no endpoint is forgotten or
/// undocumented. The few routes outside the API are named here with their reason, and a new one fails this test until
/// it is documented or added to that list. Development-only routes (the token endpoint, Swagger UI) are absent
/// elsewhere: ProductionDefaultsTests and Api8SecurityMisconfigurationTests.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class Api9ImproperInventoryManagementTests(ApiCluster api)
{
    /// <summary>Routes that are not the API, by path prefix, and why the document leaves them out.</summary>
    private static readonly (string Prefix, string Reason)[] s_outsideTheApi =
    [
        ("/health/", "liveness and readiness probes for the orchestrator"),
        ("/metrics", "Prometheus' scrape of this process's metrics (README \"Observability\")"),
        ("/openapi/", "the OpenAPI document itself"),
        ("/dashboard", "the Orleans Dashboard and its sign-in page: browser pages for admins (docs/orleans.md)"),
    ];

    [Fact]
    public async Task The_openapi_document_lists_every_route_of_the_running_host_and_nothing_else()
    {
        var routes = new SortedSet<string>(StringComparer.Ordinal);
        var outside = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in api.A.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var path = PathOf(endpoint.RoutePattern);
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])
            {
                (s_outsideTheApi.Any(o => path.StartsWith(o.Prefix, StringComparison.Ordinal)) ? outside : routes).Add($"{method} {path}");
            }
        }

        using var client = api.A.ClientFor(null);
        var document = await client.GetJsonAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, document.Status);
        var documented = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (path, operations) in document.Json!["paths"]!.AsObject())
        {
            foreach (var (method, _) in operations!.AsObject().Where(o => s_operationKeys.Contains(o.Key)))
            {
                documented.Add($"{method.ToUpperInvariant()} {path}");
            }
        }

        Assert.Equal(routes, documented);
        Assert.Contains("GET /api/v1/orders/{id}", documented);
        Assert.Contains("GET /api/v1/webhooks/vnpay/ipn", documented);
        Assert.Contains(outside, r => r.EndsWith(" /health/ready", StringComparison.Ordinal));
        Assert.Contains(outside, r => r.EndsWith(" /metrics", StringComparison.Ordinal));
        Assert.Contains("GET /dashboard/sign-in", outside);
    }

    private static readonly HashSet<string> s_operationKeys = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    /// <summary>The route as OpenAPI writes paths: literals and <c>{name}</c>, without constraints or a trailing slash.</summary>
    private static string PathOf(RoutePattern pattern)
        => "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
            RoutePatternSeparatorPart separator => separator.Content,
            _ => "",
        }))));
}
