using System.Net.Http.Headers;
using Commerce.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests.CustomerDashboard;

/// <summary>The front end as ./run.sh runs it: one silo in its process on in-memory storage (no database), on free ports.</summary>
public sealed class EmbeddedFrontEnd : WebApplicationFactory<Program>
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
        builder.UseSetting("Endpoints:SiloPort", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Endpoints:GatewayPort", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Frontend:SeedDemoData", "false");
        builder.UseSetting("Auth:Issuer", Tokens.Issuer);
        builder.UseSetting("Auth:Audience", Tokens.Audience);
        builder.UseSetting("Auth:SigningKey", Tokens.SigningKey);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in TestPayments.Settings(new Uri("http://127.0.0.1:9/")))
        {
            builder.UseSetting(key, value);
        }

        foreach (var budget in new[] { "Orders", "Writes" })
        {
            builder.UseSetting($"RateLimits:{budget}:TokensPerPeriod", "100000");
            builder.UseSetting($"RateLimits:{budget}:Burst", "100000");
        }
    }
}
