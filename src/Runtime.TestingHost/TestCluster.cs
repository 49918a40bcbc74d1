using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Runtime.Hosting;
using Runtime.Reminders;
using Runtime.Storage;

namespace Runtime.TestingHost;

/// <summary>
/// Silos in this process, each with its own host and services, for tests: start, stop and restart them and get a
/// grain factory. Without a PostgreSQL connection string, the silos share one in-memory store, so state and
/// reminders survive a silo restart as they would with a database.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly TestClusterOptions _options;
    private readonly List<TestSilo> _silos = [];
    private int _nextSiloNumber;

    private TestCluster(TestClusterOptions options)
    {
        _options = options;
        if (options.PostgresConnectionString is null)
        {
            InMemoryStorage = new InMemoryGrainStorage();
            InMemoryReminders = new InMemoryReminderTable();
        }
    }

    public IReadOnlyList<TestSilo> Silos => _silos;

    /// <summary>A factory on the first running silo.</summary>
    public IGrainFactory GrainFactory => _silos.First(s => s.IsRunning).GrainFactory;

    public InMemoryGrainStorage? InMemoryStorage { get; }

    public InMemoryReminderTable? InMemoryReminders { get; }

    public static async Task<TestCluster> StartAsync(TestClusterOptions options, CancellationToken cancellationToken = default)
    {
        var cluster = new TestCluster(options);
        try
        {
            for (var i = 0; i < options.InitialSiloCount; i++)
            {
                await cluster.StartSiloAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return cluster;
    }

    /// <summary>Starts one more silo; <paramref name="beforeStart"/> sees it built but not started (to attach listeners, say).</summary>
    public async Task<TestSilo> StartSiloAsync(Action<TestSilo>? beforeStart = null, CancellationToken cancellationToken = default)
    {
        var silo = new TestSilo($"silo-{++_nextSiloNumber}", BuildHost($"silo-{_nextSiloNumber}"));
        _silos.Add(silo);
        beforeStart?.Invoke(silo);
        await silo.Host.StartAsync(cancellationToken).ConfigureAwait(false);
        silo.IsRunning = true;
        return silo;
    }

    /// <summary>Stops a silo the way SIGTERM does: running calls finish, state is flushed, grains deactivate.</summary>
    public async Task StopSiloAsync(TestSilo silo, CancellationToken cancellationToken = default)
    {
        if (!silo.IsRunning)
        {
            return;
        }

        silo.IsRunning = false;
        await silo.Host.StopAsync(cancellationToken).ConfigureAwait(false);
        silo.Host.Dispose();
    }

    /// <summary>Stops a silo gracefully and starts a fresh one in its place.</summary>
    public async Task<TestSilo> RestartSiloAsync(TestSilo silo, CancellationToken cancellationToken = default)
    {
        await StopSiloAsync(silo, cancellationToken).ConfigureAwait(false);
        _silos.Remove(silo);
        return await StartSiloAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos.ToList())
        {
            await StopSiloAsync(silo).ConfigureAwait(false);
        }
    }

    private IHost BuildHost(string name)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = name });
        builder.Services.AddSingleton(_options.TimeProvider);
        var silo = builder.Services.AddSilo(options =>
        {
            options.Name = name;
            _options.ConfigureSilo?.Invoke(options);
        });
        foreach (var assembly in _options.GrainAssemblies)
        {
            silo.AddGrains(assembly);
        }

        if (_options.PostgresConnectionString is { } connectionString)
        {
            silo.UsePostgres(connectionString);
        }
        else
        {
            silo.UseInMemoryStorage(InMemoryStorage, InMemoryReminders);
        }

        _options.ConfigureServices?.Invoke(builder.Services);
        return builder.Build();
    }
}
