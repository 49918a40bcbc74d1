using System.Net;
using System.Text.Json.Nodes;
using Commerce.Testing;
using Grains.Payments;
using Microsoft.Extensions.Options;
using WebFrontend.Auth;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>
/// Safe production defaults (README "Configuration"): the development token endpoint exists in Development only, and
/// outside Development a front end or silo started with a secret committed in this repository, or with a signing key
/// under 32 bytes, stops at start with a message naming the setting. Development (./run.sh) starts with them.
/// </summary>
public sealed class ProductionDefaultsTests
{
    /// <summary>Never reached: these front ends stop at start, or are only asked what needs no cluster.</summary>
    private const string NoDatabase = "Host=127.0.0.1;Port=9;Username=none;Database=none;Timeout=1";

    private static readonly string s_alice = Json.Of(new { username = "alice", password = "alice" });

    [Theory]
    [InlineData("Development", true)]
    [InlineData("Production", false)]
    [InlineData("Staging", false)]
    [InlineData("Testing", false)]
    public async Task The_token_endpoint_exists_in_development_only_whatever_the_setting(string environment, bool exists)
    {
        await using var frontEnd = new FrontEnd(NoDatabase, environment: environment, settings: new Dictionary<string, string> { ["Auth:DevelopmentTokens"] = "true" });
        using var client = frontEnd.ClientFor(null);

        var token = await client.PostJsonAsync("/api/v1/auth/token", s_alice);
        var document = await client.GetJsonAsync("/openapi/v1.json");

        var paths = document.Json!["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/api/v1/orders", paths);
        if (exists)
        {
            Assert.True(token.Status == HttpStatusCode.OK, token.ToString());
            Assert.Contains("/api/v1/auth/token", paths);
        }
        else
        {
            Assert.True(token.Status == HttpStatusCode.NotFound, token.ToString());
            Assert.Equal("https://errors.example/not-found", token.ProblemType);
            Assert.DoesNotContain("/api/v1/auth/token", paths);
        }
    }

    public static TheoryData<string, string, string, string> RefusedSettings => new()
    {
        { "Production", "Auth:SigningKey", AuthOptions.CommittedDevelopmentSigningKey, "Auth:SigningKey" },
        { "Staging", "Auth:SigningKey", AuthOptions.CommittedDevelopmentSigningKey, "Auth:SigningKey" },
        { "Production", "Auth:SigningKey", new string('k', 31), "Auth:SigningKey" },
        { "Development", "Auth:SigningKey", "short-key", "Auth:SigningKey" },
        { "Production", "Auth:Issuer", "", "Auth:Issuer" },
        { "Production", "VnPay:HashSecret", VnPayOptions.CommittedDemoHashSecret, "VnPay:HashSecret" },
        { "Staging", "VnPay:HashSecret", VnPayOptions.CommittedDemoHashSecret, "VnPay:HashSecret" },
        { "Production", "ForwardedHeaders:KnownProxies:0", "proxy.internal", "ForwardedHeaders:KnownProxies" },
        { "Production", "ForwardedHeaders:KnownNetworks:0", "10.0.0.0/33", "ForwardedHeaders:KnownNetworks" },
        { "Production", "ForwardedHeaders:ForwardLimit", "0", "ForwardedHeaders:ForwardLimit" },
        { "Development", "ClusterTls:CertificatePath", "/nonexistent/cluster.pfx", "ClusterTls:CertificatePath" },
        { "Production", "RateLimits:Orders:TokensPerPeriod", "0", "RateLimits:Orders:TokensPerPeriod" },
        { "Production", "RateLimits:Orders:Period", "00:00:00", "RateLimits:Orders:Period" },
        { "Production", "RateLimits:Writes:Period", "-00:00:01", "RateLimits:Writes:Period" },
        { "Production", "RateLimits:Writes:Burst", "-1", "RateLimits:Writes:Burst" },
        { "Production", "RateLimits:OrderConcurrency:PermitLimit", "0", "RateLimits:OrderConcurrency:PermitLimit" },
        { "Production", "RateLimits:OrderConcurrency:QueueLimit", "-1", "RateLimits:OrderConcurrency:QueueLimit" },
        { "Production", "RateLimits:OrderConcurrency:RetryAfter", "00:00:00", "RateLimits:OrderConcurrency:RetryAfter" },
        { "Production", "ClusterTls:KeyPath", "/etc/commerce/cluster.key", "ClusterTls:CertificatePath" },
        { "Production", "Frontend:SaleAdmissionMemory", "00:01:01", "SaleAdmissionMemory" },
        { "Production", "Frontend:SaleAdmissionMemory", "-00:00:01", "SaleAdmissionMemory" },
    };

    [Theory]
    [MemberData(nameof(RefusedSettings))]
    public async Task A_front_end_refuses_to_start_and_names_the_setting(string environment, string key, string value, string named)
    {
        await using var frontEnd = new FrontEnd(NoDatabase, environment: environment, settings: new Dictionary<string, string> { [key] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => Task.Run(() => frontEnd.Services));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task A_front_end_starts_with_secrets_of_its_own(string environment)
    {
        await using var frontEnd = new FrontEnd(NoDatabase, environment: environment, settings: new Dictionary<string, string>
        {
            ["Auth:SigningKey"] = new string('k', 32),
            ["VnPay:HashSecret"] = "a-merchant-secret-of-its-own",
            ["ForwardedHeaders:KnownProxies:0"] = "10.0.0.5",
            ["ForwardedHeaders:KnownNetworks:0"] = "10.1.0.0/16",
            ["ForwardedHeaders:ForwardLimit"] = "2",
        });
        using var client = frontEnd.ClientFor(null);

        Assert.Equal(HttpStatusCode.OK, (await client.GetJsonAsync("/health/live")).Status);
    }

    /// <summary>What ./run.sh does: Development with the committed key and the simulator's demo merchant.</summary>
    [Fact]
    public async Task In_development_a_front_end_starts_with_the_committed_secrets()
    {
        await using var frontEnd = new FrontEnd(NoDatabase, environment: "Development", settings: new Dictionary<string, string>
        {
            ["Auth:SigningKey"] = AuthOptions.CommittedDevelopmentSigningKey,
            ["VnPay:HashSecret"] = VnPayOptions.CommittedDemoHashSecret,
        });
        using var client = frontEnd.ClientFor(null);

        Assert.Equal(HttpStatusCode.OK, (await client.GetJsonAsync("/health/live")).Status);
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync("/api/v1/auth/token", s_alice)).Status);
    }

    /// <summary>The refused values are the ones in the repository's files: a changed file must change the constant.</summary>
    [Fact]
    public void The_refused_secrets_are_the_ones_committed()
    {
        var development = JsonNode.Parse(File.ReadAllText(Path.Combine(BuiltProject.RepositoryRoot, "src", "WebFrontend", "appsettings.Development.json")))!;
        var simulator = JsonNode.Parse(File.ReadAllText(Path.Combine(BuiltProject.RepositoryRoot, "src", "PaymentGateway", "appsettings.json")))!;

        Assert.Equal(AuthOptions.CommittedDevelopmentSigningKey, development["Auth"]!["SigningKey"]!.GetValue<string>());
        Assert.Equal(VnPayOptions.CommittedDemoHashSecret, development["VnPay"]!["HashSecret"]!.GetValue<string>());
        Assert.Equal(VnPayOptions.CommittedDemoHashSecret, simulator["Merchant"]!["HashSecret"]!.GetValue<string>());
    }

    /// <summary>The silo process (src/Silo, its default environment is Production) takes the VNPay secrets too.</summary>
    [Theory]
    [InlineData(VnPayOptions.CommittedDemoHashSecret, false)]
    [InlineData("a-merchant-secret-of-its-own", true)]
    public async Task A_silo_outside_development_refuses_the_committed_vnpay_secret(string secret, bool starts)
    {
        var connectionString = await SharedPostgres.CreateDatabaseAsync();
        var logs = Path.Combine(Path.GetTempPath(), $"production-defaults-{Guid.NewGuid():N}");
        var silo = SiloProcess.Start("silo", connectionString, logs, new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["VnPay__TmnCode"] = TestPayments.TmnCode,
            ["VnPay__HashSecret"] = secret,
        });
        Exception? failure;
        try
        {
            failure = await Record.ExceptionAsync(() => silo.Started.WaitAsync(TimeSpan.FromMinutes(2)));
        }
        finally
        {
            await silo.DisposeAsync();
        }

        var log = await File.ReadAllTextAsync(Path.Combine(logs, "silo.log"));
        if (starts)
        {
            Assert.True(failure is null, $"{failure}\n{log}");
        }
        else
        {
            Assert.True(failure is InvalidOperationException, $"{failure}\n{log}");
            Assert.Contains("OptionsValidationException", log, StringComparison.Ordinal);
            Assert.Contains("VnPay:HashSecret", log, StringComparison.Ordinal);
        }
    }
}
