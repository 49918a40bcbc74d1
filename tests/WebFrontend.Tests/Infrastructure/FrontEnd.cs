using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using WebFrontend.Hosting;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>
/// One front end process-equivalent: the real app, as a cluster client of the test cluster's database. In memory,
/// or (<see cref="Listening"/>) on a real socket for callers outside the test process: the gateway's IPN.
/// </summary>
public sealed class FrontEnd : WebApplicationFactory<Program>
{
    private readonly string _connectionString;
    private readonly Action<IServiceCollection>? _configureServices;
    private readonly Action<IServiceCollection>? _configureTestServices;
    private readonly string _environment;
    private readonly IReadOnlyDictionary<string, string>? _settings;
    private bool _listening;

    /// <param name="configureServices">Services a test adds to the front end (a log collector).</param>
    /// <param name="environment">The hosting environment: "Testing" unless a test is about another (the token endpoint exists in Development only).</param>
    /// <param name="settings">Configuration ("Auth:SigningKey") over the tests' defaults.</param>
    /// <param name="configureTestServices">Services replaced after the app's own registrations (a dashboard source).</param>
    public FrontEnd(string connectionString, Action<IServiceCollection>? configureServices = null, string environment = "Testing",
        IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? configureTestServices = null)
    {
        _configureTestServices = configureTestServices;
        _connectionString = connectionString;
        _configureServices = configureServices;
        _environment = environment;
        _settings = settings;
    }

    /// <summary>A front end on a real socket (a free port on 127.0.0.1). Set up after construction: the factory ignores it in the constructor.</summary>
    public static FrontEnd Listening(string connectionString, IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        var frontEnd = new FrontEnd(connectionString, configureServices, settings: settings);
        frontEnd.UseKestrel(0);
        frontEnd._listening = true;
        return frontEnd;
    }

    /// <summary>Where a listening front end answers (its bound port); starts it on first use.</summary>
    public Uri Address
    {
        get
        {
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            return new Uri(addresses.First());
        }
    }

    /// <summary>
    /// Starts the front end, off the caller's thread (the factory starts its host synchronously, which must not block a
    /// thread the test's own continuations need), and completes once it is connected to the cluster.
    /// </summary>
    public async Task<ClusterConnection> ConnectedAsync()
    {
        var connection = await Task.Run(() => Services.GetRequiredService<ClusterConnection>());
        await connection.WhenConnected.WaitAsync(TimeSpan.FromMinutes(1));
        return connection;
    }

    public HttpClient ClientFor(string? token)
    {
        var options = new WebApplicationFactoryClientOptions { AllowAutoRedirect = false };
        if (_listening)
        {
            options.BaseAddress = Address;
        }

        var client = CreateClient(options);
        client.Timeout = TimeSpan.FromMinutes(2);
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        builder.UseSetting("ConnectionStrings:Postgres", _connectionString);
        builder.UseSetting("Auth:Issuer", Tokens.Issuer);
        builder.UseSetting("Auth:Audience", Tokens.Audience);
        builder.UseSetting("Auth:SigningKey", Tokens.SigningKey);
        builder.UseSetting("Frontend:IdempotencyInFlightWait", "00:00:02");
        builder.UseSetting("Frontend:MaxRequestBodyBytes", "65536");

        // Long enough that a test's products seen without a sale stay remembered for the whole test, whatever the
        // machine's speed: a sale set meanwhile must still be enforced (by the saga).
        builder.UseSetting("Frontend:SaleAdmissionMemory", "00:01:00");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("VnPay:TmnCode", TestPayments.TmnCode);
        builder.UseSetting("VnPay:HashSecret", TestPayments.HashSecret);

        // The stress tests are far over any honest client's rate (one wallet debited 1,000 times at once, one customer
        // placing 101 orders, one manager seeding every test's products): the per-client budgets are out of their way
        // here. RateLimitTests sets small ones; the order concurrency keeps its default.
        foreach (var budget in new[] { "Orders", "Writes" })
        {
            builder.UseSetting($"RateLimits:{budget}:TokensPerPeriod", "100000");
            builder.UseSetting($"RateLimits:{budget}:Burst", "100000");
        }

        foreach (var (key, value) in _settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        if (_configureServices is not null)
        {
            builder.ConfigureServices(_configureServices);
        }

        if (_configureTestServices is not null)
        {
            builder.ConfigureTestServices(_configureTestServices);
        }
    }
}
