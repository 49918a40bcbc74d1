using Commerce.Testing;
using Grains.Payments;
using Npgsql;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>
/// What the payment tests run against: the gateway simulator as its own process, a real PostgreSQL, two silos that
/// poll the gateway every second, and a front end on a real socket that the simulator calls with IPNs.
/// </summary>
public class PaymentCluster : IAsyncLifetime
{
    public GatewaySimulator Gateway { get; private set; } = null!;

    public FrontEnd Api { get; private set; } = null!;

    public NpgsqlDataSource Database { get; private set; } = null!;

    public IReadOnlyList<InProcessSilo> Silos { get; private set; } = [];

    /// <summary>How long an order waits for payment.</summary>
    protected virtual TimeSpan PaymentWindow => TimeSpan.FromMinutes(10);

    public async Task InitializeAsync()
    {
        var connectionString = await SharedPostgres.CreateDatabaseAsync();
        Database = NpgsqlDataSource.Create(connectionString);
        Gateway = await GatewaySimulator.StartAsync(TestPayments.TmnCode, TestPayments.HashSecret, TimeSpan.FromMilliseconds(200));
        var settings = TestPayments.Settings(new Uri(Gateway.BaseUrl + "/"));
        foreach (var (key, value) in SiloSettings(PaymentWindow))
        {
            settings[key] = value;
        }

        Silos = await Task.WhenAll(Enumerable.Range(1, 2).Select(i => InProcessSilo.StartAsync(connectionString, $"payment-silo-{i}", settings)));
        await OrderStatusSignal.InstallAsync(Database);
        Api = FrontEnd.Listening(connectionString);
        await Api.ConnectedAsync();
        await Gateway.SetIpnUrlAsync(new Uri(Api.Address, "api/v1/webhooks/vnpay/ipn").AbsoluteUri);
    }

    /// <summary>Payments poll every second and orders are checked for expiry every second.</summary>
    public static Dictionary<string, string?> SiloSettings(TimeSpan paymentWindow) => new()
    {
        ["Reminders:MinimumReminderPeriod"] = "00:00:01",
        ["Commerce:PaymentWindow"] = paymentWindow.ToString(),
        ["Commerce:PaymentPollInterval"] = "00:00:01",
        ["Commerce:ExpiryCheckPeriod"] = "00:00:01",
    };

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

    /// <summary>The silo where <paramref name="payment"/> is active now, as Orleans' management grain answers.</summary>
    public async Task<InProcessSilo> OwnerOfAsync(IPaymentGrain payment)
    {
        var address = await Silos[0].Grains.GetGrain<IManagementGrain>(0).GetActivationAddress(payment);
        return Silos.Single(s => s.Address.Equals(address));
    }

    public Task<long> CountAsync(string sql, params object[] parameters) => Database.ScalarAsync(sql, parameters);
}

/// <summary>Orders that expire three seconds after they are placed.</summary>
public sealed class ShortWindowPaymentCluster : PaymentCluster
{
    protected override TimeSpan PaymentWindow => TimeSpan.FromSeconds(3);
}

[CollectionDefinition(Name)]
public sealed class PaymentCollection : ICollectionFixture<PaymentCluster>
{
    public const string Name = "payments";
}
