using Commerce.Testing;
using Grains.Persistence.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Hosting;

namespace Grains.Persistence.Tests.Infrastructure;

/// <summary>
/// One production-shaped silo on a database it migrated itself as it started. Its services hold the real provider
/// classes (Orleans' ADO.NET ones on our SQL, our typed one) that the tests drive directly; the data source is for
/// looking at the rows behind them.
/// </summary>
public sealed class SiloOnFreshDatabase : IAsyncLifetime
{
    /// <summary>
    /// A second ADO.NET storage with DeleteStateOnClear, which the product does not configure, so that our
    /// DeleteStorageKey query (the clear it runs instead) is exercised too.
    /// </summary>
    public const string DeleteOnClearStorage = "DeleteOnClear";

    private InProcessSilo? _silo;
    private NpgsqlDataSource? _database;

    public InProcessSilo Silo => _silo ?? throw new InvalidOperationException("The silo has not started.");

    public IServiceProvider Services => Silo.Services;

    public NpgsqlDataSource Database => _database ?? throw new InvalidOperationException("The silo has not started.");

    public T Keyed<T>(string key) where T : notnull => Services.GetRequiredKeyedService<T>(key);

    public async Task InitializeAsync()
    {
        var connectionString = await SharedPostgres.CreateDatabaseAsync();
        _database = NpgsqlDataSource.Create(connectionString);
        _silo = await InProcessSilo.StartAsync(connectionString, "silo-1", SiloSettings.Minimal, services => services.AddAdoNetGrainStorage(DeleteOnClearStorage, options =>
        {
            options.Invariant = CommerceSiloBuilderExtensions.NpgsqlInvariant;
            options.ConnectionString = connectionString;
            options.DeleteStateOnClear = true;
        }));
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

/// <summary>The provider tests share one silo (starting one is the slow part) and run one class at a time on it.</summary>
[CollectionDefinition(Name)]
public sealed class SharedSilo : ICollectionFixture<SiloOnFreshDatabase>
{
    public const string Name = "one silo on a fresh database";
}
