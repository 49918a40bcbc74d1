using Commerce.Testing;
using Grains.Persistence.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Benchmarks;

/// <summary>
/// An Orleans client in the benchmark process, finding the silos' gateways in the membership table as the front end
/// does. Starts once a gateway answered, so start it after the silos.
/// </summary>
public sealed class ClusterClient : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterClient(IHost host) => _host = host;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IClusterClient>();

    /// <param name="responseTimeout">How long a call waits for its answer: a call lost with a killed silo fails after it.</param>
    public static async Task<ClusterClient> ConnectAsync(string connectionString, TimeSpan? responseTimeout = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = "benchmark-client" });
        // Its warnings (a gateway lost, a connection refused) belong to the story of a run: on the console. Not each
        // call that timed out, though: the benchmark counts those itself, and a kill leaves dozens.
        builder.Logging.SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Orleans.Runtime.CallbackData", LogLevel.Error)
            .AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss.fff '[client]' ";
            });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(options => options.ClusterId = options.ServiceId = InProcessSilo.ClusterId);
            // Learn soon of gateways that died or joined (the front end's setting too).
            client.Configure<GatewayOptions>(options => options.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2));
            client.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = responseTimeout ?? TimeSpan.FromSeconds(30));
            client.UseAdoNetClustering(options =>
            {
                options.Invariant = CommerceSiloBuilderExtensions.NpgsqlInvariant;
                options.ConnectionString = connectionString;
            });
        });
        var host = builder.Build();
        await host.StartAsync();
        return new ClusterClient(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
