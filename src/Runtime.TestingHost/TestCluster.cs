using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Runtime.Cluster;
using Runtime.Hosting;
using Runtime.Reminders;
using Runtime.Storage;

namespace Runtime.TestingHost;

/// <summary>
/// Silos in this process, each with its own host and services, for tests: start, stop, kill, pause and restart them,
/// and call grains through a silo or through a cluster client. On PostgreSQL the silos form a real cluster (leases,
/// HTTP/2 transport on free ports); without it they are standalone and share one in-memory store.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly TestClusterOptions _options;
    private readonly List<TestSilo> _silos = [];
    private readonly Lock _lock = new();
    private Task<ClusterClient>? _client;
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

    public IReadOnlyList<TestSilo> Silos
    {
        get
        {
            lock (_lock)
            {
                return [.. _silos];
            }
        }
    }

    /// <summary>A factory on the first running silo.</summary>
    public IGrainFactory GrainFactory => Silos.First(s => s.IsRunning).GrainFactory;

    public InMemoryGrainStorage? InMemoryStorage { get; }

    public InMemoryReminderTable? InMemoryReminders { get; }

    /// <summary>Starts the initial silos all at once, as a cluster's first deployment would.</summary>
    public static async Task<TestCluster> StartAsync(TestClusterOptions options, CancellationToken cancellationToken = default)
    {
        var cluster = new TestCluster(options);
        try
        {
            var silos = Enumerable.Range(0, options.InitialSiloCount).Select(_ => cluster.AddSilo()).ToList();
            await Task.WhenAll(silos.Select(s => cluster.StartAsync(s, cancellationToken))).ConfigureAwait(false);
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return cluster;
    }

    /// <summary>A client of the cluster, as a front end would use (PostgreSQL clusters only).</summary>
    public Task<ClusterClient> GetClientAsync()
    {
        var connectionString = _options.PostgresConnectionString
            ?? throw new InvalidOperationException("A cluster client needs a PostgreSQL cluster; in-memory silos are standalone.");
        lock (_lock)
        {
            return _client ??= ClusterClient.ConnectAsync(connectionString, _options.ConfigureCluster);
        }
    }

    /// <summary>Starts one more silo; <paramref name="beforeStart"/> sees it built but not started (to attach listeners, say).</summary>
    public async Task<TestSilo> StartSiloAsync(Action<TestSilo>? beforeStart = null, CancellationToken cancellationToken = default)
    {
        var silo = AddSilo();
        beforeStart?.Invoke(silo);
        await StartAsync(silo, cancellationToken).ConfigureAwait(false);
        return silo;
    }

    /// <summary>Stops a silo the way SIGTERM does: it leaves the cluster, running calls finish, state is flushed, leases are released.</summary>
    public async Task StopSiloAsync(TestSilo silo, CancellationToken cancellationToken = default)
    {
        if (!silo.IsRunning)
        {
            return;
        }

        silo.IsRunning = false;
        await silo.Host.StopAsync(cancellationToken).ConfigureAwait(false);
        await ((IAsyncDisposable)silo.Host).DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Stops a silo the way kill -9 does: no flush, no lease release; its connections drop at once.</summary>
    public async Task KillSiloAsync(TestSilo silo)
    {
        if (!silo.IsRunning)
        {
            return;
        }

        silo.IsRunning = false;
        await silo.Silo.KillAsync().ConfigureAwait(false);
        await ((IAsyncDisposable)silo.Host).DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Makes a silo stop renewing its leases while it goes on answering calls, like a process stalled in a long pause.</summary>
    public static void PauseSilo(TestSilo silo)
        => (silo.Silo.Member ?? throw new InvalidOperationException("Only cluster members hold leases.")).Pause();

    /// <summary>Stops a silo gracefully and starts a fresh one in its place.</summary>
    public async Task<TestSilo> RestartSiloAsync(TestSilo silo, CancellationToken cancellationToken = default)
    {
        await StopSiloAsync(silo, cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            _silos.Remove(silo);
        }

        return await StartSiloAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await (await _client.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(Silos.Select(s => StopSiloAsync(s))).ConfigureAwait(false);
    }

    private TestSilo AddSilo()
    {
        lock (_lock)
        {
            var name = $"silo-{++_nextSiloNumber}";
            var silo = new TestSilo(name, BuildHost(name));
            _silos.Add(silo);
            return silo;
        }
    }

    private async Task StartAsync(TestSilo silo, CancellationToken cancellationToken)
    {
        await silo.Host.StartAsync(cancellationToken).ConfigureAwait(false);
        silo.IsRunning = true;
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
        builder.Services.Configure<ClusterOptions>(options =>
        {
            _options.ConfigureCluster?.Invoke(options);
            options.ListenAddress = "127.0.0.1";
            options.Port = 0;
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

        _options.ConfigureSiloBuilder?.Invoke(silo);
        _options.ConfigureServices?.Invoke(builder.Services);
        return builder.Build();
    }
}
