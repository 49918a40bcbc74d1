using System.Net;
using Grains.Persistence.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Hosting;
using ServiceDefaults;

namespace Commerce.Testing;

/// <summary>
/// A production-shaped silo in the test process: ADO.NET clustering, reminders and storage on PostgreSQL, the typed
/// stores, the product's failure detection, real TCP ports, the grain directory production uses. Front ends under test
/// find it through the membership table as they would find a silo process. For crashes, use <see cref="SiloProcess"/>.
/// </summary>
public sealed class InProcessSilo : IAsyncDisposable
{
    public const string ClusterId = "commerce";

    private readonly IHost _host;

    private InProcessSilo(IHost host, string name)
    {
        _host = host;
        Name = name;
    }

    public string Name { get; }

    public IServiceProvider Services => _host.Services;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public SiloAddress Address => Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    /// <summary>Where clients reach this silo.</summary>
    public int GatewayPort => Services.GetRequiredService<ILocalSiloDetails>().GatewayAddress.Endpoint.Port;

    /// <param name="settings">Configuration in its colon form ("Commerce:PaymentWindow"), as appsettings would give it.</param>
    /// <param name="configureServices">Replaces services after the product's (a test's payment gateway, saga faults).</param>
    /// <param name="telemetry">
    /// Sets up logs, traces and metrics as src/Silo does (AddCommerceTelemetry): for tests of them. Off by default: a
    /// tracer and a meter provider per silo would each listen to every test's activities and instruments in the process.
    /// </param>
    public static async Task<InProcessSilo> StartAsync(
        string connectionString,
        string name,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null,
        bool telemetry = false)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing", ApplicationName = name });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        if (telemetry)
        {
            builder.AddCommerceTelemetry(name);
        }

        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(options => options.ClusterId = options.ServiceId = ClusterId);
            silo.Configure<SiloOptions>(options => options.SiloName = name);
            silo.ConfigureEndpoints(IPAddress.Loopback, FreePorts.Next(), FreePorts.Next());
            silo.Configure<ReminderOptions>(builder.Configuration.GetSection("Reminders"));
            silo.UseFastFailureDetection();
            silo.UseClusterTls();
            silo.AddCommerce();
            silo.UsePostgres(connectionString);
            silo.AddDashboard();
        });
        configureServices?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new InProcessSilo(host, name);
    }

    /// <summary>A graceful stop: the silo hands its grains over and leaves the membership table as dead.</summary>
    public async Task StopAsync() => await _host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
