using Grains;
using Grains.Orders;
using Grains.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Runtime.TestingHost;
using WebFrontend.Hosting;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>
/// What the API tests run against: a real PostgreSQL, two silos forming a cluster on it, and two front ends that are
/// clients of that cluster. Shared by the API test collection; each test uses its own products and users.
/// </summary>
public sealed class ApiCluster : IAsyncLifetime
{
    private TestCluster? _cluster;

    public ControllableSagaFaults SagaFaults { get; } = new();

    public FrontEnd A { get; private set; } = null!;

    public FrontEnd B { get; private set; } = null!;

    public NpgsqlDataSource Database { get; private set; } = null!;

    public TestCluster Cluster => _cluster!;

    public async Task InitializeAsync()
    {
        var connectionString = await SharedPostgres.CreateDatabaseAsync();
        Database = NpgsqlDataSource.Create(connectionString);
        var options = new TestClusterOptions
        {
            InitialSiloCount = 2,
            PostgresConnectionString = connectionString,
            ConfigureSiloBuilder = silo => silo.AddCommerce(),
            ConfigureServices = services =>
            {
                services.Replace(ServiceDescriptor.Singleton(new CommerceOptions()));
                services.Replace(ServiceDescriptor.Singleton(TestPayments.Unreachable()));
                services.Replace(ServiceDescriptor.Singleton<IOrderSagaFaults>(SagaFaults));
            },
        };
        _cluster = await TestCluster.StartAsync(options);
        A = new FrontEnd(connectionString);
        B = new FrontEnd(connectionString);

        // Start both hosts now, and let them connect to the cluster, before the first test.
        await Task.WhenAll(A.Services.GetRequiredService<ClusterConnection>().WhenConnected, B.Services.GetRequiredService<ClusterConnection>().WhenConnected)
            .WaitAsync(TimeSpan.FromMinutes(1));
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        await Database.DisposeAsync();
    }

    public async Task<long> ScalarAsync(string sql, params object[] parameters)
    {
        await using var command = Database.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<string?> TextAsync(string sql, params object[] parameters)
    {
        await using var command = Database.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return await command.ExecuteScalarAsync() as string;
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiCluster>
{
    public const string Name = "api";
}
