using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Runtime;
using Runtime.Storage;
using Runtime.TestingHost;

namespace Benchmarks;

/// <summary>
/// One hot product, PostgreSQL with fsync on. Confirmed durable "reserve one unit" operations per second through a
/// grain (group commit) against the same database's row-lock baselines, at 1, 8, 64 and 256 concurrent callers;
/// plus the runtime's own cost: local grain calls per second with no I/O.
/// </summary>
public static class HotGrainBenchmark
{
    private static readonly int[] DefaultCallerCounts = [1, 8, 64, 256];

    public static async Task<int> RunAsync(BenchmarkArguments arguments)
    {
        var duration = arguments.Duration;
        var callerCounts = arguments.Callers ?? DefaultCallerCounts;
        if (!callerCounts.Contains(64))
        {
            throw new ArgumentException("--callers must include 64: the summary compares the grain with PostgreSQL at 64 callers.");
        }

        Console.WriteLine($"hot-grain: {duration.TotalSeconds:0} s per scenario, {Environment.ProcessorCount} cores; starting PostgreSQL (fsync on)…");
        await using var server = await PostgresServer.StartAsync();
        var results = new List<Measurement.Result>();
        var extras = new Dictionary<(string, int), (long Writes, double AverageBatch)>();

        var grainDatabase = await server.CreateDatabaseAsync("grains");
        var clusterOptions = new TestClusterOptions { PostgresConnectionString = grainDatabase };
        clusterOptions.GrainAssemblies.Add(typeof(HotProductGrain).Assembly);
        await using (var cluster = await TestCluster.StartAsync(clusterOptions))
        {
            var grains = cluster.GrainFactory;
            foreach (var callers in callerCounts)
            {
                var product = grains.GetGrain<IHotProductGrain>($"hot-{callers}");
                await product.Restock(long.MaxValue / 2);
                using var writes = new StorageWriteCounter();
                var result = await Measurement.RunAsync("grain: reserve (group commit)", callers, duration, _ => product.ReserveOne);
                results.Add(result);
                extras[(result.Scenario, callers)] = (writes.Writes, writes.Writes == 0 ? 0 : Math.Round((double)writes.Callers / writes.Writes, 1));
                await VerifyDurableAsync(grainDatabase, product, $"hot-{callers}");
                Report(result);
            }

            foreach (var callers in callerCounts)
            {
                var result = await Measurement.RunAsync("grain: local call, no I/O, one grain per caller", callers, duration, i => PingOperation(grains.GetGrain<IPingGrain>($"ping-{callers}-{i}")));
                results.Add(result);
                Report(result);
            }

            var hot = grains.GetGrain<IPingGrain>("ping-hot");
            var shared = await Measurement.RunAsync("grain: local call, no I/O, all callers on one grain", 64, duration, _ => PingOperation(hot));
            results.Add(shared);
            Report(shared);
        }

        // The same grain with the runtime's statements unprepared: the before of the prepared-statements change.
        var unpreparedOptions = new TestClusterOptions
        {
            PostgresConnectionString = grainDatabase,
            ConfigureServices = services => services.Replace(ServiceDescriptor.Singleton(_ => NpgsqlDataSource.Create(grainDatabase))),
        };
        unpreparedOptions.GrainAssemblies.Add(typeof(HotProductGrain).Assembly);
        await using (var cluster = await TestCluster.StartAsync(unpreparedOptions))
        {
            foreach (var callers in callerCounts.Where(c => c is 1 or 64))
            {
                var product = cluster.GrainFactory.GetGrain<IHotProductGrain>($"unprepared-{callers}");
                await product.Restock(long.MaxValue / 2);
                using var writes = new StorageWriteCounter();
                var result = await Measurement.RunAsync("grain: reserve, statements unprepared", callers, duration, _ => product.ReserveOne);
                results.Add(result);
                extras[(result.Scenario, callers)] = (writes.Writes, writes.Writes == 0 ? 0 : Math.Round((double)writes.Callers / writes.Writes, 1));
                Report(result);
            }
        }

        var rowDatabase = await server.CreateDatabaseAsync("rows");
        await using (var dataSource = NpgsqlDataSource.Create(rowDatabase))
        {
            await using (var create = dataSource.CreateCommand("CREATE TABLE products (id text PRIMARY KEY, stock bigint NOT NULL); INSERT INTO products VALUES ('hot', 1000000000000000)"))
            {
                await create.ExecuteNonQueryAsync();
            }

            foreach (var callers in callerCounts)
            {
                var result = await RunRowBaselineAsync(dataSource, "postgres: atomic UPDATE … WHERE stock > 0", callers, duration, AtomicUpdate);
                results.Add(result);
                Report(result);
            }

            foreach (var callers in callerCounts)
            {
                var result = await RunRowBaselineAsync(dataSource, "postgres: SELECT … FOR UPDATE + UPDATE", callers, duration, SelectForUpdate);
                results.Add(result);
                Report(result);
            }
        }

        var grainAt64 = results.Single(r => r.Scenario.StartsWith("grain: reserve (", StringComparison.Ordinal) && r.Callers == 64).OpsPerSecond;
        var atomicAt64 = results.Single(r => r.Scenario.StartsWith("postgres: atomic", StringComparison.Ordinal) && r.Callers == 64).OpsPerSecond;
        var localCalls = results.Where(r => r.Scenario.Contains("one grain per caller", StringComparison.Ordinal)).Max(r => r.OpsPerSecond);
        var ratio = Math.Round(grainAt64 / atomicAt64, 1);

        PrintTable(results, extras);
        await WriteResultsAsync(arguments.ResultsDirectory, duration, results, extras, ratio, localCalls);
        Console.WriteLine($"local grain calls: {localCalls:N0}/s (best of 1…256 callers, one grain each)");
        Console.WriteLine($"hot-grain: ratio_vs_atomic_update={ratio} at 64 callers");
        return 0;
    }

    private static Func<Task<bool>> PingOperation(IPingGrain grain) => async () => await grain.Ping(1) == 2;

    /// <summary>After the run every call has completed, so what the grain confirmed must be exactly what PostgreSQL holds.</summary>
    private static async Task VerifyDurableAsync(string connectionString, IHotProductGrain product, string key)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var stored = await new PostgresGrainStorage(dataSource).ReadAsync(new GrainStateKey("hot-product", key, "stock"), CancellationToken.None);
        using var json = JsonDocument.Parse(stored!.Json);
        var durable = json.RootElement.GetProperty("reserved").GetInt64();
        var confirmed = await product.Reserved();
        if (durable != confirmed)
        {
            throw new InvalidOperationException($"{key}: {confirmed} reservations confirmed but {durable} stored.");
        }
    }

    private static async Task<Measurement.Result> RunRowBaselineAsync(
        NpgsqlDataSource dataSource, string name, int callers, TimeSpan duration, Func<NpgsqlConnection, Func<Task<bool>>> createOperation)
    {
        // Each client holds its own pooled connection for the whole run, as an application server's request would.
        var connections = new List<NpgsqlConnection>();
        for (var i = 0; i < callers; i++)
        {
            connections.Add(await dataSource.OpenConnectionAsync());
        }

        try
        {
            return await Measurement.RunAsync(name, callers, duration, i => createOperation(connections[i]));
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static Func<Task<bool>> AtomicUpdate(NpgsqlConnection connection)
    {
        var command = new NpgsqlCommand("UPDATE products SET stock = stock - 1 WHERE id = $1 AND stock > 0", connection) { Parameters = { new() { Value = "hot" } } };
        return async () => await command.ExecuteNonQueryAsync() == 1;
    }

    private static Func<Task<bool>> SelectForUpdate(NpgsqlConnection connection)
    {
        var select = new NpgsqlCommand("SELECT stock FROM products WHERE id = $1 FOR UPDATE", connection) { Parameters = { new() { Value = "hot" } } };
        var update = new NpgsqlCommand("UPDATE products SET stock = $2 WHERE id = $1", connection) { Parameters = { new() { Value = "hot" }, new() { Value = 0L } } };
        return async () =>
        {
            await using var transaction = await connection.BeginTransactionAsync();
            select.Transaction = transaction;
            update.Transaction = transaction;
            var stock = (long)(await select.ExecuteScalarAsync())!;
            if (stock <= 0)
            {
                return false;
            }

            update.Parameters[1].Value = stock - 1;
            await update.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
            return true;
        };
    }

    private static void Report(Measurement.Result result)
        => Console.WriteLine($"  {result.Scenario,-52} {result.Callers,4} callers {result.OpsPerSecond,12:N0}/s  p50 {result.P50Ms,8:0.000} ms  p99 {result.P99Ms,8:0.000} ms");

    private static void PrintTable(List<Measurement.Result> results, Dictionary<(string, int), (long Writes, double AverageBatch)> extras)
    {
        Console.WriteLine();
        Console.WriteLine($"| {"scenario",-52} | {"callers",7} | {"ops/s",12} | {"p50 ms",8} | {"p99 ms",8} | {"db writes",9} | {"ops/write",9} |");
        Console.WriteLine($"|{new string('-', 54)}|{new string('-', 9)}|{new string('-', 14)}|{new string('-', 10)}|{new string('-', 10)}|{new string('-', 11)}|{new string('-', 11)}|");
        foreach (var r in results)
        {
            var (writes, batch) = extras.TryGetValue((r.Scenario, r.Callers), out var extra) ? extra : (0L, 0d);
            Console.WriteLine($"| {r.Scenario,-52} | {r.Callers,7} | {r.OpsPerSecond,12:N0} | {r.P50Ms,8:0.000} | {r.P99Ms,8:0.000} | {(writes == 0 ? "" : writes.ToString("N0")),9} | {(batch == 0 ? "" : batch.ToString("0.0")),9} |");
        }

        Console.WriteLine();
    }

    private static async Task WriteResultsAsync(
        string directory, TimeSpan duration, List<Measurement.Result> results, Dictionary<(string, int), (long Writes, double AverageBatch)> extras, double ratio, double localCalls)
    {
        var document = new JsonObject
        {
            ["benchmark"] = "hot-grain",
            ["recorded_at"] = DateTimeOffset.UtcNow.ToString("O"),
            ["machine"] = new JsonObject { ["cores"] = Environment.ProcessorCount, ["os"] = Environment.OSVersion.ToString(), ["runtime"] = Environment.Version.ToString() },
            ["seconds_per_scenario"] = duration.TotalSeconds,
            ["postgres"] = "private server started for the run, fsync=on, synchronous_commit=on",
            ["ratio_vs_atomic_update_at_64_callers"] = ratio,
            ["local_calls_per_second"] = localCalls,
            ["results"] = new JsonArray(results.Select(r =>
            {
                var node = new JsonObject
                {
                    ["scenario"] = r.Scenario,
                    ["callers"] = r.Callers,
                    ["operations"] = r.Operations,
                    ["ops_per_second"] = r.OpsPerSecond,
                    ["p50_ms"] = r.P50Ms,
                    ["p99_ms"] = r.P99Ms,
                };
                if (extras.TryGetValue((r.Scenario, r.Callers), out var extra))
                {
                    node["storage_writes"] = extra.Writes;
                    node["operations_per_write"] = extra.AverageBatch;
                }

                return (JsonNode)node;
            }).ToArray()),
        };
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "hot-grain.json");
        await File.WriteAllTextAsync(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        Console.WriteLine($"results written to {path}");
    }

    /// <summary>Counts the silo's storage writes and the callers they confirmed, from the runtime's own metrics.</summary>
    private sealed class StorageWriteCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _writes;
        private long _callers;

        public StorageWriteCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name is "runtime.storage.writes" or "runtime.storage.write.batch_size")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _writes, value));
            _listener.SetMeasurementEventCallback<int>((_, value, _, _) => Interlocked.Add(ref _callers, value));
            _listener.Start();
        }

        public long Writes => Interlocked.Read(ref _writes);

        public long Callers => Interlocked.Read(ref _callers);

        public void Dispose() => _listener.Dispose();
    }
}
