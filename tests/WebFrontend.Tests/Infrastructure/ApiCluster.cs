using Commerce.Testing;
using Grains.Orders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>
/// What the API tests run against: a real PostgreSQL, two silos forming an Orleans cluster on it (ADO.NET clustering,
/// real TCP), and two front ends that are Orleans clients of that cluster. Shared by the API test collection; each
/// test uses its own products and users.
/// </summary>
public sealed class ApiCluster : IAsyncLifetime
{
    public ControllableSagaFaults SagaFaults { get; } = new();

    /// <summary>Export jobs completed on either silo, by id.</summary>
    public ExportJobsCompleted ExportsCompleted { get; } = new();

    public FrontEnd A { get; private set; } = null!;

    public FrontEnd B { get; private set; } = null!;

    public IReadOnlyList<InProcessSilo> Silos { get; private set; } = [];

    /// <summary>Grains called directly, as an operator's tool would (coupons have no API yet).</summary>
    public IGrainFactory Grains => Silos[0].Grains;

    public NpgsqlDataSource Database { get; private set; } = null!;

    /// <summary>The cluster's database, for a test's own front end.</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var connectionString = ConnectionString = await SharedPostgres.CreateDatabaseAsync();
        Database = NpgsqlDataSource.Create(connectionString);
        var settings = TestPayments.Settings(new Uri("http://127.0.0.1:9/"));
        Silos = await Task.WhenAll(Enumerable.Range(1, 2).Select(i => InProcessSilo.StartAsync(connectionString, $"api-silo-{i}", settings,
            services =>
            {
                services.AddSingleton<IOrderSagaFaults>(SagaFaults);
                services.AddSingleton<ILoggerProvider>(ExportsCompleted);
                services.Configure<LoggerFilterOptions>(options => options.AddFilter<ExportJobsCompleted>(ExportJobsCompleted.Category, LogLevel.Information));
            })));
        A = new FrontEnd(connectionString);
        B = new FrontEnd(connectionString);

        // Start both hosts now, and let them connect to the cluster, before the first test.
        await Task.WhenAll(A.ConnectedAsync(), B.ConnectedAsync());
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        foreach (var silo in Silos)
        {
            await silo.DisposeAsync();
        }

        await Database.DisposeAsync();
    }

    public Task<long> ScalarAsync(string sql, params object[] parameters) => Database.ScalarAsync(sql, parameters);

    public Task<string?> TextAsync(string sql, params object[] parameters) => Database.TextAsync(sql, parameters);
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiCluster>
{
    public const string Name = "api";
}
