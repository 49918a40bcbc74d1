using Commerce.Testing;

namespace Notifications.Tests.Infrastructure;

/// <summary>
/// What a notifications worker needs, private to one test or class: an SMTP sink, a database, an exchange and a queue
/// of its own names on the given broker, and a publisher. Workers started from it share all of that, as a restarted
/// worker does.
/// </summary>
public sealed class WorkerRig : IAsyncDisposable
{
    private readonly List<NotificationsWorker> _workers = [];

    private WorkerRig(RabbitMqServer broker, SmtpSink sink, string database, EventBus bus, string exchange, string queue, string logs)
    {
        Broker = broker;
        Sink = sink;
        Database = database;
        Bus = bus;
        Exchange = exchange;
        Queue = queue;
        Logs = logs;
    }

    public RabbitMqServer Broker { get; }

    public SmtpSink Sink { get; }

    /// <summary>The connection string of the worker's inbox database.</summary>
    public string Database { get; }

    public EventBus Bus { get; private set; }

    public string Exchange { get; }

    public string Queue { get; }

    /// <summary>Where the workers' logs are written (kept after the test, for a failure's story).</summary>
    public string Logs { get; }

    public static async Task<WorkerRig> CreateAsync(RabbitMqServer broker)
    {
        var sink = SmtpSink.StartAsync();
        var database = SharedPostgres.CreateDatabaseAsync();
        var exchange = RabbitMqServer.UniqueName("events");
        var bus = await EventBus.ConnectAsync(broker.Uri, exchange);
        var logs = Path.Combine(Path.GetTempPath(), $"notifications-tests-{Guid.NewGuid():N}");
        return new WorkerRig(broker, await sink, await database, bus, exchange, RabbitMqServer.UniqueName("notifications"), logs);
    }

    /// <summary>Starts a worker and waits until it consumes (its queue declared and bound: publishing is safe).</summary>
    public async Task<NotificationsWorker> StartWorkerAsync(string name, IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = NotificationsWorkerSettings.For(Broker.Uri, Exchange, Queue, Database, Sink);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var worker = NotificationsWorker.Start(name, environment, Logs);
        _workers.Add(worker);
        await worker.Consuming.WaitAsync(Waits.Start);
        return worker;
    }

    /// <summary>A new publisher connection, after the broker was restarted.</summary>
    public async Task ReconnectBusAsync()
    {
        await Bus.DisposeAsync();
        Bus = await EventBus.ConnectAsync(Broker.Uri, Exchange);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            await worker.DisposeAsync();
        }

        await Bus.DisposeAsync();
        await Sink.DisposeAsync();
    }
}
