using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>One front end process-equivalent: the real app, as a cluster client of the test cluster's database.</summary>
public sealed class FrontEnd(string connectionString) : WebApplicationFactory<Program>
{
    public HttpClient ClientFor(string? token)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.Timeout = TimeSpan.FromMinutes(2);
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Postgres", connectionString);
        builder.UseSetting("Auth:Issuer", Tokens.Issuer);
        builder.UseSetting("Auth:Audience", Tokens.Audience);
        builder.UseSetting("Auth:SigningKey", Tokens.SigningKey);
        builder.UseSetting("Auth:DevelopmentTokens", "true");
        builder.UseSetting("Frontend:IdempotencyInFlightWait", "00:00:02");
        builder.UseSetting("Frontend:MaxRequestBodyBytes", "65536");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }
}
