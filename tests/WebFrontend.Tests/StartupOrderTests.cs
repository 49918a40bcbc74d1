using System.Net;
using Commerce.Testing;
using Microsoft.Extensions.DependencyInjection;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>
/// Front ends and silos start in any order, and a front end outlives its silos: without a reachable silo it answers 503
/// with Retry-After, and it serves again as soon as one is back, without a restart.
/// </summary>
public sealed class StartupOrderTests
{
    [Fact]
    public async Task A_front_end_started_before_any_silo_is_unavailable_until_one_joins()
    {
        var connectionString = await SharedPostgres.CreateDatabaseAsync();
        await using var frontEnd = new FrontEnd(connectionString);
        using var client = frontEnd.ClientFor(null);

        var notReady = await client.GetJsonAsync("/health/ready");
        var unavailable = await client.GetJsonAsync("/api/v1/products/anything");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.Status);
        Assert.Equal("https://errors.example/service-unavailable", unavailable.ProblemType);
        Assert.NotNull(unavailable.Header("Retry-After"));

        await using var silo = await InProcessSilo.StartAsync(connectionString, "late-silo", TestPayments.Settings(new Uri("http://127.0.0.1:9/")));
        await frontEnd.ConnectedAsync();

        Assert.Equal(HttpStatusCode.OK, (await client.GetJsonAsync("/health/ready")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetJsonAsync("/api/v1/products/anything")).Status);
    }

    [Fact]
    public async Task A_front_end_whose_only_silo_stops_answers_503_and_serves_again_when_another_starts()
    {
        var connectionString = await SharedPostgres.CreateDatabaseAsync();
        var settings = TestPayments.Settings(new Uri("http://127.0.0.1:9/"));
        var first = await InProcessSilo.StartAsync(connectionString, "first-silo", settings);
        await using var frontEnd = new FrontEnd(connectionString, GatewayListProbe.Decorate);
        var connection = await frontEnd.ConnectedAsync();
        var gateways = frontEnd.Services.GetRequiredService<GatewayListProbe>();
        var product = await Seed.ProductAsync(frontEnd, stock: 7);
        using var client = frontEnd.ClientFor(null);

        await first.DisposeAsync();
        await connection.WhenConnectedGateways(count => count == 0).WaitAsync(TimeSpan.FromMinutes(1));
        var unavailable = await client.GetJsonAsync($"/api/v1/products/{product}");

        await using var second = await InProcessSilo.StartAsync(connectionString, "second-silo", settings);
        await gateways.WhenKnown(second.GatewayPort);
        var served = await client.GetJsonAsync($"/api/v1/products/{product}");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.Status);
        Assert.Equal("https://errors.example/service-unavailable", unavailable.ProblemType);
        Assert.NotNull(unavailable.Header("Retry-After"));
        Assert.Equal(HttpStatusCode.OK, served.Status);
        Assert.Equal(7, served.Json!["stock_available"]!.GetValue<int>());
    }
}
