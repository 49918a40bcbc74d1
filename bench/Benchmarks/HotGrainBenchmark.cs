using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Commerce.Testing;
using Grains.Products;
using Npgsql;

namespace Benchmarks;

/// <summary>
/// One hot product, PostgreSQL with fsync on. Confirmed durable "reserve one unit" operations per second through a
/// reentrant grain with group commit (a counter in Orleans' ADO.NET storage, and the product's real ProductGrain on its
/// typed tables) against the same database's row-lock baselines, at 1, 8, 64 and 256 concurrent callers; plus
/// Orleans' own cost: local grain calls per second with no I/O. Storage writes are counted from Orleans' meter, so
/// each grain row shows how many reservations one write confirmed.
/// </summary>
public static class HotGrainBenchmark
{
    private static readonly int[] s_defaultCallerCounts = [1, 8, 64, 256];

    /// <summary>The issue's target for the counter grain against the atomic UPDATE at 64 callers (enforced in full runs).</summary>
    private const double TargetRatio = 20;

    private const string CounterScenario = "grain: reserve one unit, group commit";
    private const string ProductScenario = "ProductGrain.Reserve, typed tables";
    private const string AtomicScenario = "postgres: atomic UPDATE … WHERE stock > 0";
    private const string ForUpdateScenario = "postgres: SELECT … FOR UPDATE + UPDATE";
    private const string LocalScenario = "grain: local call, no I/O, one grain per caller";
    private const string SharedScenario = "grain: local call, no I/O, all callers on one grain";

    /// <summary>Holds outlive the run: the books are read before any could lapse.</summary>
    private static readonly DateTimeOffset s_holdUntil = DateTimeOffset.UtcNow.AddDays(1);

    public static async Task<int> RunAsync(BenchmarkArguments arguments)
    {
        // Smoke: every caller count still runs (the 256-caller pool sizing is what broke before), for a fraction of a second.
        var duration = arguments.Smoke && !arguments.DurationGiven ? TimeSpan.FromSeconds(0.3) : arguments.Duration;
        var warmup = arguments.Smoke ? TimeSpan.FromSeconds(0.2) : TimeSpan.FromSeconds(1);
        var callerCounts = arguments.Callers ?? s_defaultCallerCounts;
        if (!callerCounts.Contains(64))
        {
            throw new ArgumentException("--callers must include 64: the summary compares the grain with PostgreSQL at 64 callers.");
        }

        var loadBefore = ResultsFile.LoadAverage();
        Console.WriteLine($"hot-grain{(arguments.Smoke ? " --smoke" : "")}: {duration.TotalSeconds:0.##} s per scenario, callers {string.Join(',', callerCounts)}, "
            + $"{Environment.ProcessorCount} cores, load average {loadBefore}; starting PostgreSQL (fsync on)…");
        await using var server = await PostgresServer.StartAsync();
        var results = new List<Measurement.Result>();
        var writesOf = new Dictionary<(string, int), long>();
        var failures = new List<string>();

        var grainDatabase = await server.CreateDatabaseAsync("grains");
        MembershipCheck membership;
        await using (var silo = await BenchmarkSilo.StartAsync(grainDatabase, "hot-grain-silo"))
        {
            using var writes = new StorageWriteCounter();
            var grains = silo.Grains;
            foreach (var callers in callerCounts)
            {
                var key = $"hot-{callers}";
                var product = grains.GetGrain<IHotProductGrain>(key);
                await product.Restock(long.MaxValue / 2);
                var result = await Measurement.RunAsync(CounterScenario, callers, duration, _ => product.ReserveOne, warmup, writes.Reset);
                writesOf[(CounterScenario, callers)] = writes.Writes;
                Add(results, result, writes.Writes);
                failures.AddRange(await VerifyCounterAsync(grainDatabase, product, key, result));
            }

            foreach (var callers in callerCounts)
            {
                var key = $"hot-product-{callers}";
                var product = grains.GetGrain<IProductGrain>(key);
                var created = await product.Create(new NewProduct($"Hot product ({callers} callers)", 100_000, int.MaxValue));
                if (created.Status != ProductWriteStatus.Done)
                {
                    throw new InvalidOperationException($"Creating {key} answered {created.Status}.");
                }

                var result = await Measurement.RunAsync(ProductScenario, callers, duration, caller => ProductReservation(product, callers, caller), warmup, writes.Reset);
                writesOf[(ProductScenario, callers)] = writes.Writes;
                Add(results, result, writes.Writes);
                failures.AddRange(await VerifyProductAsync(grainDatabase, key, result));
            }

            foreach (var callers in callerCounts)
            {
                // Activated one by one first: the scenario measures calls, not 256 activations at once.
                var pings = Enumerable.Range(0, callers).Select(i => grains.GetGrain<IPingGrain>($"ping-{callers}-{i}")).ToList();
                foreach (var ping in pings)
                {
                    await ping.Ping(0);
                }

                Add(results, await Measurement.RunAsync(LocalScenario, callers, duration, i => PingOperation(pings[i]), warmup));
            }

            var hot = grains.GetGrain<IPingGrain>("ping-hot");
            await hot.Ping(0);
            Add(results, await Measurement.RunAsync(SharedScenario, 64, duration, _ => PingOperation(hot), warmup));
            membership = await MembershipCheck.ReadAsync(grainDatabase);
        }

        var rowDatabase = await server.CreateDatabaseAsync("rows");
        // One connection per caller, held for the run as an application server's request would: the pool must hold
        // the largest caller count (the server allows 400 connections).
        var rows = new NpgsqlDataSourceBuilder(rowDatabase);
        rows.ConnectionStringBuilder.MaxPoolSize = callerCounts.Max() + 2;
        await using (var dataSource = rows.Build())
        {
            await using (var create = dataSource.CreateCommand("CREATE TABLE products (id text PRIMARY KEY, stock bigint NOT NULL); INSERT INTO products VALUES ('hot', 1000000000000000)"))
            {
                await create.ExecuteNonQueryAsync();
            }

            foreach (var callers in callerCounts)
            {
                Add(results, await RunRowBaselineAsync(dataSource, AtomicScenario, callers, duration, warmup, AtomicUpdate));
            }

            foreach (var callers in callerCounts)
            {
                Add(results, await RunRowBaselineAsync(dataSource, ForUpdateScenario, callers, duration, warmup, SelectForUpdate));
            }
        }

        var grainAt64 = At(results, CounterScenario, 64);
        var productAt64 = At(results, ProductScenario, 64);
        var atomicAt64 = At(results, AtomicScenario, 64);
        var localCalls = results.Where(r => r.Scenario == LocalScenario).Max(r => r.OpsPerSecond);
        var ratio = Math.Round(grainAt64 / atomicAt64, 1);
        var productRatio = Math.Round(productAt64 / atomicAt64, 1);
        failures.AddRange(results.Where(r => r.Errors > 0).Select(r => $"{r.Scenario} at {r.Callers} callers: {r.Errors} calls failed, the first with {r.FirstError}"));
        if (!membership.Passed)
        {
            failures.Add($"silos declared dead without being killed: {string.Join(", ", membership.FalselyDead)}");
        }

        var targetMet = ratio >= TargetRatio;
        PrintTable(results, writesOf);
        var document = ResultsFile.Header("hot-grain", arguments, loadBefore);
        document["seconds_per_scenario"] = duration.TotalSeconds;
        document["postgres"] = "private server started for the run, fsync=on, synchronous_commit=on";
        document["setup"] = "one Orleans silo in the benchmark process (the product's hosting: ADO.NET clustering and storage on PostgreSQL, typed stores); "
            + "grain callers call through that silo's grain factory; baselines hold one pooled connection per caller";
        document["ratio_vs_atomic_update_at_64_callers"] = ratio;
        document["product_grain_ratio_vs_atomic_update_at_64_callers"] = productRatio;
        document["target_ratio"] = TargetRatio;
        document["local_calls_per_second"] = localCalls;
        document["failures"] = new JsonArray([.. failures.Select(f => JsonValue.Create(f))]);
        document["membership"] = membership.ToJson();
        document["results"] = new JsonArray([.. results.Select(r =>
        {
            var node = new JsonObject
            {
                ["scenario"] = r.Scenario,
                ["callers"] = r.Callers,
                ["operations"] = r.Operations,
                ["ops_per_second"] = r.OpsPerSecond,
                ["p50_ms"] = r.P50Ms,
                ["p99_ms"] = r.P99Ms,
                ["errors"] = r.Errors,
            };
            if (writesOf.TryGetValue((r.Scenario, r.Callers), out var writes))
            {
                node["storage_writes"] = writes;
                node["operations_per_write"] = OpsPerWrite(r.Operations, writes);
            }

            return (JsonNode)node;
        })]);
        await ResultsFile.WriteAsync(arguments, "hot-grain", document);

        foreach (var failure in failures)
        {
            Console.WriteLine($"  FAILED: {failure}");
        }

        Console.WriteLine($"local grain calls: {localCalls:N0}/s (best of {string.Join('/', callerCounts)} callers, one grain each); "
            + $"ProductGrain.Reserve at 64 callers: {productRatio}× the atomic UPDATE");
        if (!targetMet)
        {
            Console.WriteLine($"  the counter grain confirmed {ratio}× the atomic UPDATE at 64 callers; target ≥ {TargetRatio}{(arguments.Smoke ? " (not enforced in --smoke)" : "")}");
        }

        Console.WriteLine($"hot-grain: ratio_vs_atomic_update={ratio.ToString(CultureInfo.InvariantCulture)} at 64 callers");
        return failures.Count == 0 && (targetMet || arguments.Smoke) ? 0 : 1;
    }

    private static double At(List<Measurement.Result> results, string scenario, int callers)
        => results.Single(r => r.Scenario == scenario && r.Callers == callers).OpsPerSecond;

    private static double OpsPerWrite(long operations, long writes) => writes == 0 ? 0 : Math.Round((double)operations / writes, 1);

    private static Func<Task<bool>> PingOperation(IPingGrain grain) => async () => await grain.Ping(1) == 2;

    /// <summary>Each call holds one unit for a new order id, as an order's saga would.</summary>
    private static Func<Task<bool>> ProductReservation(IProductGrain product, int callers, int caller)
    {
        var next = 0L;
        return async () => (await product.Reserve($"ord-{callers}-{caller}-{next++}", 1, s_holdUntil, $"buyer-{caller}")).Status == ReservationStatus.Reserved;
    }

    /// <summary>
    /// After the run every call has completed, so the counter PostgreSQL holds must be exactly what the callers were
    /// confirmed (warm-up included) and what the activation holds.
    /// </summary>
    private static async Task<List<string>> VerifyCounterAsync(string connectionString, IHotProductGrain product, string key, Measurement.Result result)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT payload FROM orleans_storage WHERE grain_type = 'stock' AND grain_id_string LIKE '%' || $1");
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        var payload = (byte[]?)await command.ExecuteScalarAsync();
        long? durable = null;
        if (payload is not null)
        {
            using var json = JsonDocument.Parse(payload);
            durable = json.RootElement.EnumerateObject().Where(p => p.Name.Equals("reserved", StringComparison.OrdinalIgnoreCase)).Select(p => p.Value.GetInt64()).FirstOrDefault();
        }

        var confirmed = result.Operations + result.WarmupOperations;
        var inMemory = await product.Reserved();
        return durable == confirmed && inMemory == confirmed
            ? []
            : [$"{key}: {confirmed} reservations confirmed, {inMemory} in the activation, {durable?.ToString(CultureInfo.InvariantCulture) ?? "nothing"} stored"];
    }

    /// <summary>The product's books in its typed tables: one hold row per confirmed reservation, and the stock to match.</summary>
    private static async Task<List<string>> VerifyProductAsync(string connectionString, string key, Measurement.Result result)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT p.available, (SELECT count(*) FROM product_holds h WHERE h.product_id = p.id) FROM products p WHERE p.id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return [$"{key}: no row in products"];
        }

        var (available, holds) = (reader.GetInt32(0), reader.GetInt64(1));
        var confirmed = result.Operations + result.WarmupOperations;
        return holds == confirmed && available == int.MaxValue - confirmed
            ? []
            : [$"{key}: {confirmed} reservations confirmed, {holds} holds stored, {available} available (expected {int.MaxValue - confirmed})"];
    }

    private static async Task<Measurement.Result> RunRowBaselineAsync(
        NpgsqlDataSource dataSource, string name, int callers, TimeSpan duration, TimeSpan warmup, Func<NpgsqlConnection, Func<Task<bool>>> createOperation)
    {
        var connections = new List<NpgsqlConnection>();
        try
        {
            for (var i = 0; i < callers; i++)
            {
                connections.Add(await dataSource.OpenConnectionAsync());
            }

            return await Measurement.RunAsync(name, callers, duration, i => createOperation(connections[i]), warmup);
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

    private static void Add(List<Measurement.Result> results, Measurement.Result result, long? writes = null)
    {
        results.Add(result);
        var perWrite = writes is { } w ? $"  {w,7:N0} writes, {OpsPerWrite(result.Operations, w),6:0.0} ops/write" : "";
        var errors = result.Errors > 0 ? $"  {result.Errors} ERRORS, first: {result.FirstError}" : "";
        Console.WriteLine($"  {result.Scenario,-52} {result.Callers,4} callers {result.OpsPerSecond,12:N0}/s  p50 {result.P50Ms,8:0.000} ms  p99 {result.P99Ms,8:0.000} ms{perWrite}{errors}");
    }

    private static void PrintTable(List<Measurement.Result> results, Dictionary<(string, int), long> writesOf)
    {
        Console.WriteLine();
        Console.WriteLine($"| {"scenario",-52} | {"callers",7} | {"ops/s",12} | {"p50 ms",8} | {"p99 ms",8} | {"db writes",9} | {"ops/write",9} |");
        Console.WriteLine($"|{new string('-', 54)}|{new string('-', 9)}|{new string('-', 14)}|{new string('-', 10)}|{new string('-', 10)}|{new string('-', 11)}|{new string('-', 11)}|");
        foreach (var r in results)
        {
            var known = writesOf.TryGetValue((r.Scenario, r.Callers), out var writes);
            Console.WriteLine($"| {r.Scenario,-52} | {r.Callers,7} | {r.OpsPerSecond,12:N0} | {r.P50Ms,8:0.000} | {r.P99Ms,8:0.000} | "
                + $"{(known ? writes.ToString("N0", CultureInfo.InvariantCulture) : ""),9} | {(known ? OpsPerWrite(r.Operations, writes).ToString("0.0", CultureInfo.InvariantCulture) : ""),9} |");
        }

        Console.WriteLine();
    }
}
