using Grains;
using Grains.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Runtime;
using Runtime.TestingHost;
using WebFrontend.Hosting;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>
/// What the payment tests run against: the gateway simulator as its own process, a real PostgreSQL, two silos that
/// poll the gateway every second, and a front end on a real socket that the simulator calls with IPNs.
/// </summary>
public class PaymentCluster : IAsyncLifetime
{
    private TestCluster? _cluster;

    public GatewaySimulator Gateway { get; private set; } = null!;

    public FrontEnd Api { get; private set; } = null!;

    public NpgsqlDataSource Database { get; private set; } = null!;

    public TestCluster Cluster => _cluster!;

    /// <summary>How long an order waits for payment.</summary>
    protected virtual TimeSpan PaymentWindow => TimeSpan.FromMinutes(10);

    public async Task InitializeAsync()
    {
        var connectionString = await SharedPostgres.CreateDatabaseAsync();
        Database = NpgsqlDataSource.Create(connectionString);
        Gateway = await GatewaySimulator.StartAsync(TestPayments.TmnCode, TestPayments.HashSecret, TimeSpan.FromMilliseconds(200));
        _cluster = await TestCluster.StartAsync(new TestClusterOptions
        {
            InitialSiloCount = 2,
            PostgresConnectionString = connectionString,
            ConfigureSilo = silo =>
            {
                silo.MinimumReminderPeriod = TimeSpan.FromSeconds(1);
                silo.ReminderPollInterval = TimeSpan.FromSeconds(1);
            },
            ConfigureCluster = cluster =>
            {
                cluster.LeaseDuration = TimeSpan.FromSeconds(4);
                cluster.LeaseRenewInterval = TimeSpan.FromSeconds(1);
            },
            ConfigureSiloBuilder = silo => silo.AddCommerce(),
            ConfigureServices = services =>
            {
                services.Replace(ServiceDescriptor.Singleton(new CommerceOptions
                {
                    PaymentWindow = PaymentWindow,
                    PaymentPollInterval = TimeSpan.FromSeconds(1),
                    ExpiryCheckPeriod = TimeSpan.FromSeconds(1),
                }));
                services.Replace(ServiceDescriptor.Singleton(TestPayments.Options(new Uri(Gateway.BaseUrl + "/"))));
            },
        });
        Api = FrontEnd.Listening(connectionString);
        await Api.Services.GetRequiredService<ClusterConnection>().WhenConnected.WaitAsync(TimeSpan.FromMinutes(1));
        await Gateway.SetIpnUrlAsync(new Uri(Api.Address, "api/v1/webhooks/vnpay/ipn").AbsoluteUri);
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        await Gateway.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>The running silo that serves <paramref name="grain"/>'s partition.</summary>
    public TestSilo OwnerOf(GrainId grain) => Cluster.Silos.Single(s => s.IsServing(s.PartitionOf(grain)));

    public async Task<long> CountAsync(string sql, params object[] parameters)
    {
        await using var command = Database.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>Orders that expire three seconds after they are placed.</summary>
public sealed class ShortWindowPaymentCluster : PaymentCluster
{
    protected override TimeSpan PaymentWindow => TimeSpan.FromSeconds(3);
}

/// <summary>A cluster of its own, for a test that kills one of its silos.</summary>
public sealed class SiloLossPaymentCluster : PaymentCluster;

[CollectionDefinition(Name)]
public sealed class PaymentCollection : ICollectionFixture<PaymentCluster>
{
    public const string Name = "payments";
}
