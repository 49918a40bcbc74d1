using System.Net;
using Commerce.Testing;
using Microsoft.Extensions.DependencyInjection;
using WebFrontend.Hosting;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>Front ends and silos start in any order: a front end without a cluster answers 503 until a silo joins.</summary>
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
        await frontEnd.Services.GetRequiredService<ClusterConnection>().WhenConnected.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(HttpStatusCode.OK, (await client.GetJsonAsync("/health/ready")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetJsonAsync("/api/v1/products/anything")).Status);
    }
}
