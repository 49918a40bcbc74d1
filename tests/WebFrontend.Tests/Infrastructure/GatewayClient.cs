using System.Net;
using Grains.Persistence.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Orleans.Configuration;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>
/// A bare Orleans client of one gateway port, not a front end: what anyone who reaches that port could run. Its logs
/// are collected: a client the gateway refuses keeps retrying, and says why each time.
/// </summary>
public sealed class GatewayClient : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _started;

    private GatewayClient(IHost host) => _host = host;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    /// <param name="settings">Configuration in its colon form: the "ClusterTls" section, or nothing for a plain client.</param>
    public static GatewayClient Create(int gatewayPort, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Services.AddFakeLogging();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(options => options.ClusterId = options.ServiceId = "commerce");
            client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, gatewayPort));
            client.UseClusterTls();
        });
        return new GatewayClient(builder.Build());
    }

    /// <summary>A started client; throws if it has not connected within a minute.</summary>
    public static async Task<GatewayClient> ConnectAsync(int gatewayPort, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var client = Create(gatewayPort, settings);
        try
        {
            await client.StartAsync().WaitAsync(TimeSpan.FromMinutes(1));
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the client: completes once it holds a gateway connection and the cluster's manifest.</summary>
    public Task StartAsync() => _started ??= _host.StartAsync(_stopping.Token);

    /// <summary>Completes with the client's first log record (from its start) that satisfies <paramref name="match"/>.</summary>
    public async Task<FakeLogRecord> FirstLog(Func<FakeLogRecord, bool> match)
    {
        await foreach (var record in _host.Services.GetFakeLogCollector().GetLogsAsync(_stopping.Token))
        {
            if (match(record))
            {
                return record;
            }
        }

        throw new OperationCanceledException("The client stopped before logging the record waited for.");
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await _host.StopAsync();
        }
        finally
        {
            _host.Dispose();
            _stopping.Dispose();
        }
    }
}
