using Commerce.Testing;
using Grains.Persistence.Hosting;
using Grains.Persistence.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Grains.Persistence.Tests.Clustering;

/// <summary>
/// Two silos started at the same moment on an empty database (each migrates it as it starts, then joins), and a
/// client that finds them through the membership table, as a front end does.
/// </summary>
public sealed class TwoSilosOnFreshDatabase : IAsyncLifetime
{
    private readonly List<InProcessSilo> _silos = [];
    private IHost? _client;
    private NpgsqlDataSource? _database;

    public string ConnectionString { get; private set; } = "";

    public IReadOnlyList<InProcessSilo> Silos => _silos;

    public IServiceProvider Client => _client?.Services ?? throw new InvalidOperationException("The client has not started.");

    public NpgsqlDataSource Database => _database ?? throw new InvalidOperationException("The cluster has not started.");

    public async Task InitializeAsync()
    {
        ConnectionString = await SharedPostgres.CreateDatabaseAsync();
        _database = NpgsqlDataSource.Create(ConnectionString);
        _silos.AddRange(await Task.WhenAll(
            InProcessSilo.StartAsync(ConnectionString, "silo-1", SiloSettings.Minimal),
            InProcessSilo.StartAsync(ConnectionString, "silo-2", SiloSettings.Minimal)));
        _client = await StartClientAsync(ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.StopAsync();
            _client.Dispose();
        }

        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    private static async Task<IHost> StartClientAsync(string connectionString)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(options => options.ClusterId = options.ServiceId = InProcessSilo.ClusterId);
            client.UseAdoNetClustering(options =>
            {
                options.Invariant = CommerceSiloBuilderExtensions.NpgsqlInvariant;
                options.ConnectionString = connectionString;
            });
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
