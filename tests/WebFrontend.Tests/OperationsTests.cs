using System.Net;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>What operators and client developers rely on: health, cluster status, OpenAPI, request ids, problem types.</summary>
[Collection(ApiCollection.Name)]
public sealed class OperationsTests(ApiCluster api)
{
    [Fact]
    public async Task Health_endpoints_answer_for_a_connected_front_end()
    {
        using var client = api.B.ClientFor(null);
        Assert.Equal(HttpStatusCode.OK, (await client.GetJsonAsync("/health/live")).Status);
        var ready = await client.GetJsonAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Equal("Healthy", ready.Body);
    }

    [Fact]
    public async Task The_cluster_endpoint_shows_orleans_view_of_both_silos_and_their_activations()
    {
        var product = await Seed.ProductAsync(api.A, stock: 1);
        using var client = api.A.ClientFor(Seed.Admin);
        var cluster = await client.GetJsonAsync("/api/v1/cluster");

        Assert.Equal(HttpStatusCode.OK, cluster.Status);
        var silos = cluster.Json!["silos"]!.AsArray();
        Assert.Equal(["api-silo-1", "api-silo-2"], silos.Where(s => s!["status"]!.GetValue<string>() == "ACTIVE").Select(s => s!["name"]!.GetValue<string>()).Order());
        var productActivations = silos.Sum(s => s!["activations_by_grain_type"]!.AsObject()
            .Where(t => t.Key.StartsWith("Grains.Products.ProductGrain", StringComparison.Ordinal)).Sum(t => t.Value!.GetValue<int>()));
        Assert.True(productActivations >= 1, $"No product activation listed after creating {product}: {cluster}");
        Assert.True(cluster.Json["total_activations"]!.GetValue<long>() >= productActivations);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_api_in_snake_case()
    {
        using var client = api.A.ClientFor(null);
        var document = await client.GetJsonAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, document.Status);
        var paths = document.Json!["paths"]!.AsObject();
        Assert.Contains("/api/v1/orders", paths.Select(p => p.Key));
        Assert.Contains("/api/v1/products/{id}", paths.Select(p => p.Key));
        Assert.Contains("stock_available", document.Json["components"]!["schemas"]!["ProductResponse"]!["properties"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task A_well_formed_request_id_is_echoed_and_a_malformed_one_replaced()
    {
        using var client = api.A.ClientFor(null);
        var kept = Api.Request(HttpMethod.Get, "/api/v1/products/none-such");
        kept.Headers.TryAddWithoutValidation("X-Request-Id", "client-req-42");
        var replaced = Api.Request(HttpMethod.Get, "/api/v1/products/none-such");
        replaced.Headers.TryAddWithoutValidation("X-Request-Id", "bad id with spaces");

        var keptReply = await Reply.ReadAsync(await client.SendAsync(kept));
        var replacedReply = await Reply.ReadAsync(await client.SendAsync(replaced));

        Assert.Equal("client-req-42", keptReply.Header("X-Request-Id"));
        Assert.Equal("client-req-42", keptReply.Json!["request_id"]!.GetValue<string>());
        Assert.Equal("https://errors.example/not-found", keptReply.ProblemType);
        Assert.NotEqual("bad id with spaces", replacedReply.Header("X-Request-Id"));
        Assert.Equal(replacedReply.Header("X-Request-Id"), replacedReply.Json!["request_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_routes_and_methods_are_problems_with_stable_types()
    {
        using var client = api.A.ClientFor(null);
        var missing = await client.GetJsonAsync("/api/v1/nothing-here");
        var wrongMethod = await client.SendAsync(HttpMethod.Delete, "/api/v1/products");

        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("https://errors.example/not-found", missing.ProblemType);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.Status);
        Assert.Equal("https://errors.example/method-not-allowed", wrongMethod.ProblemType);
    }

    [Fact]
    public async Task The_development_token_endpoint_signs_in_built_in_users_only()
    {
        // The endpoint exists in Development only (ProductionDefaultsTests: nowhere else); A and B run as "Testing".
        await using var development = new FrontEnd(api.ConnectionString, environment: "Development");
        using var client = development.ClientFor(null);
        var token = await client.PostJsonAsync("/api/v1/auth/token", Json.Of(new { username = "alice", password = "alice" }));
        var wrong = await client.PostJsonAsync("/api/v1/auth/token", Json.Of(new { username = "alice", password = "bob" }));

        Assert.Equal(HttpStatusCode.OK, token.Status);
        Assert.Equal("Bearer", token.Json!["token_type"]!.GetValue<string>());
        using var alice = api.B.ClientFor(token.Json["access_token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await alice.GetJsonAsync("/api/v1/orders")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal("https://errors.example/invalid-credentials", wrong.ProblemType);
    }

    [Fact]
    public async Task Names_go_out_as_written_not_as_escapes()
    {
        var product = await Seed.ProductAsync(api.A, stock: 1, name: "Phở bò 14\" tô");
        using var client = api.B.ClientFor(null);

        var reply = await client.GetJsonAsync($"/api/v1/products/{product}");

        Assert.Contains("\"name\":\"Phở bò 14\\\" tô\"", reply.Body, StringComparison.Ordinal);
    }
}
