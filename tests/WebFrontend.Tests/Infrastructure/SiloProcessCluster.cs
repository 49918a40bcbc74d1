using Commerce.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>
/// A cluster that can lose a silo the way a machine does: two silos as real processes (kill -9 runs no shutdown code)
/// on a real PostgreSQL, the gateway simulator, and a front end on a real socket for its IPNs. One per test class that
/// kills a silo.
/// </summary>
public class SiloProcessCluster : IAsyncLifetime
{
    private readonly string _logs = Path.Combine(Path.GetTempPath(), $"silo-process-tests-{Guid.NewGuid():N}");

    public GatewaySimulator Gateway { get; private set; } = null!;

    public FrontEnd Api { get; private set; } = null!;

    public NpgsqlDataSource Database { get; private set; } = null!;

    public IReadOnlyList<SiloProcess> Silos { get; private set; } = [];

    /// <summary>The front end's Orleans client: grains as any client of the cluster reaches them.</summary>
    public IGrainFactory Grains => Api.Services.GetRequiredService<IGrainFactory>();

    public async Task InitializeAsync()
    {
        var connectionString = await SharedPostgres.CreateDatabaseAsync();
        Database = NpgsqlDataSource.Create(connectionString);
        Gateway = await GatewaySimulator.StartAsync(TestPayments.TmnCode, TestPayments.HashSecret, TimeSpan.FromMilliseconds(200));
        var settings = TestPayments.Settings(new Uri(Gateway.BaseUrl + "/"));
        foreach (var (key, value) in PaymentCluster.SiloSettings(TimeSpan.FromMinutes(10)))
        {
            settings[key] = value;
        }

        var environment = settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        Silos = [.. Enumerable.Range(1, 2).Select(i => SiloProcess.Start($"silo-{i}", connectionString, _logs, environment))];
        await Task.WhenAll(Silos.Select(s => s.Started)).WaitAsync(TimeSpan.FromMinutes(2));
        await OrderStatusSignal.InstallAsync(Database);
        Api = FrontEnd.Listening(connectionString);
        await Api.ConnectedAsync();
        await Gateway.SetIpnUrlAsync(new Uri(Api.Address, "api/v1/webhooks/vnpay/ipn").AbsoluteUri);
    }

    /// <summary>The silo process where <paramref name="grain"/> is active now, as Orleans' management grain answers.</summary>
    public async Task<SiloProcess> HostOfAsync(IAddressable grain)
    {
        var address = await Grains.GetGrain<IManagementGrain>(0).GetActivationAddress(grain);
        return Silos.Single(s => s.SiloPort == address?.Endpoint.Port);
    }

    public Task<long> CountAsync(string sql, params object[] parameters) => Database.ScalarAsync(sql, parameters);

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        foreach (var silo in Silos)
        {
            await silo.DisposeAsync();
        }

        await Gateway.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>A process cluster of its own for the payment test that kills a silo.</summary>
public sealed class PaymentSiloLossCluster : SiloProcessCluster;

/// <summary>A process cluster of its own for the stock test that kills a silo.</summary>
public sealed class StockSiloLossCluster : SiloProcessCluster;

/// <summary>A process cluster of its own for the test that stops a silo gracefully.</summary>
public sealed class GracefulHandoverCluster : SiloProcessCluster;
