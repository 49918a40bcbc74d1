using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grains.Products;
using Npgsql;
using Runtime;
using Runtime.Cluster;
using Runtime.Partitioning;
using Runtime.TestingHost;

namespace Benchmarks;

/// <summary>
/// Three silo processes on a private PostgreSQL, a flash-sale load of reservations on a few hot products through a
/// cluster client, and <c>kill -9</c> of the silo serving the most of them mid-run. Then the books: every confirmed
/// reservation must be in PostgreSQL (lost = 0), no product may have given out more than its stock (oversold = 0),
/// and the products of the killed silo must be served again within the takeover target (15 s).
/// </summary>
public static class ClusterChaosBenchmark
{
    private const int Silos = 3;
    private const int Products = 8;
    private const int UnitsPerProduct = 2_500;
    private const int Buyers = 48;

    /// <summary>Holds outlive the run: the books are read before any could lapse.</summary>
    private static readonly DateTimeOffset HoldUntil = DateTimeOffset.UtcNow.AddDays(1);

    public static async Task<int> RunAsync(BenchmarkArguments arguments)
    {
        var runDirectory = Path.Combine(Path.GetTempPath(), $"cluster-chaos-{Environment.ProcessId}");
        Console.WriteLine($"cluster-chaos: {Silos} silo processes, {Products} products × {UnitsPerProduct} units, {Buyers} buyers; logs in {runDirectory}");
        await using var server = await PostgresServer.StartAsync();
        var database = await server.CreateDatabaseAsync("chaos");

        var silos = Enumerable.Range(1, Silos).Select(i => SiloProcess.Start($"silo-{i}", database, runDirectory)).ToList();
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(database);
            await using var observer = await ClusterObserver.StartAsync(database);
            await observer.WaitUntilSettledAsync(Silos, TimeSpan.FromMinutes(2));
            await using var client = await ClusterClient.ConnectAsync(database);
            var products = Enumerable.Range(0, Products).Select(i => client.GrainFactory.GetGrain<IProductGrain>($"chaos-{i}")).ToList();
            await Task.WhenAll(products.Select((p, i) => p.Create(new NewProduct($"Chaos product {i}", 100_000, UnitsPerProduct))));

            var partitions = new PartitionFunction(1024);
            var owners = await observer.OwnersAsync();
            var productOwners = Enumerable.Range(0, Products).ToDictionary(i => i, i => owners[partitions.GetPartition(new GrainId("product", $"chaos-{i}"))]);
            var victimId = productOwners.Values.GroupBy(id => id).MaxBy(g => g.Count())!.Key;
            var victim = silos.Single(s => victimId.StartsWith($"{s.Name}-", StringComparison.Ordinal));
            var victimProducts = productOwners.Where(pair => pair.Value == victimId).Select(pair => pair.Key).ToHashSet();

            var load = new ReservationLoad(products);
            var running = load.RunAsync(Buyers, arguments.Duration * 12);
            await load.WaitForConfirmedAsync(Products * UnitsPerProduct / 4);

            Console.WriteLine($"  kill -9 {victim.Name} (pid {victim.ProcessId}), serving {victimProducts.Count} of the {Products} products, after {load.Confirmed} confirmed reservations");
            await victim.KillAsync();

            // Only calls that start once the process is gone can show the takeover (one in flight may still have been answered).
            load.StartTakeoverClock(victimProducts, Stopwatch.GetTimestamp());
            await running;

            var takeover = load.TakeoverTime;
            var books = await ReadBooksAsync(dataSource);
            var lost = load.ConfirmedIds.Count(id => !books.Reservations.Contains(id));
            var oversold = books.PerProduct.Sum(p => Math.Max(0, p.Reserved - UnitsPerProduct) + (p.Available < 0 ? 1 : 0));
            var unbalanced = books.PerProduct.Count(p => p.Available + p.Reserved != UnitsPerProduct);

            Console.WriteLine();
            Console.WriteLine($"| {"measure",-48} | {"value",12} |");
            Console.WriteLine($"|{new string('-', 50)}|{new string('-', 14)}|");
            Row("reservations confirmed to buyers", $"{load.Confirmed:N0}");
            Row("reservations stored in PostgreSQL", $"{books.Reservations.Count:N0}");
            Row("answers lost with the killed silo, retried", $"{load.Retried:N0}");
            Row("calls that failed for good", $"{load.Failures.Count:N0}");
            Row("confirmed but not stored (lost)", $"{lost:N0}");
            Row("units given beyond stock (oversold)", $"{oversold:N0}");
            Row("products whose books do not balance", $"{unbalanced:N0}");
            Row("takeover of the killed silo's products (s)", $"{takeover.TotalSeconds:0.00}");
            Row("load duration (s)", $"{load.Elapsed.TotalSeconds:0.0}");
            Console.WriteLine();
            if (load.Failures.FirstOrDefault() is { } failure)
            {
                Console.WriteLine($"  first failure: {failure.GetType().Name}: {failure.Message}");
            }

            await WriteResultsAsync(arguments.ResultsDirectory, load, books.Reservations.Count, lost, oversold, unbalanced, takeover);
            Console.WriteLine($"cluster-chaos: lost={lost} oversold={oversold} takeover_s={Math.Round(takeover.TotalSeconds, 2)}");
            return lost == 0 && oversold == 0 && unbalanced == 0 && load.Failures.IsEmpty ? 0 : 1;
        }
        finally
        {
            await Task.WhenAll(silos.Select(s => s.TerminateAsync(TimeSpan.FromSeconds(30))));
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    private static void Row(string measure, string value) => Console.WriteLine($"| {measure,-48} | {value,12} |");

    /// <summary>What PostgreSQL holds for the products: the durable truth after the run.</summary>
    private static async Task<(HashSet<string> Reservations, List<(int Available, int Reserved)> PerProduct)> ReadBooksAsync(NpgsqlDataSource dataSource)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT product_id, order_id FROM product_holds WHERE product_id LIKE 'chaos-%'"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT p.available, coalesce(sum(h.quantity), 0)::int
            FROM products p LEFT JOIN product_holds h ON h.product_id = p.id
            WHERE p.id LIKE 'chaos-%' GROUP BY p.id
            """));
        await using var reader = await batch.ExecuteReaderAsync();
        var reservations = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            reservations.Add($"{reader.GetString(0)}/{reader.GetString(1)}");
        }

        await reader.NextResultAsync();
        var perProduct = new List<(int, int)>();
        while (await reader.ReadAsync())
        {
            perProduct.Add((reader.GetInt32(0), reader.GetInt32(1)));
        }

        return (reservations, perProduct);
    }

    private static async Task WriteResultsAsync(string directory, ReservationLoad load, int stored, int lost, int oversold, int unbalanced, TimeSpan takeover)
    {
        var document = new JsonObject
        {
            ["benchmark"] = "cluster-chaos",
            ["recorded_at"] = DateTimeOffset.UtcNow.ToString("O"),
            ["machine"] = new JsonObject { ["cores"] = Environment.ProcessorCount, ["os"] = Environment.OSVersion.ToString() },
            ["silos"] = Silos,
            ["products"] = Products,
            ["units_per_product"] = UnitsPerProduct,
            ["buyers"] = Buyers,
            ["lease"] = "Cluster defaults: lease 10 s, renewed every 2 s, fencing margin 1 s",
            ["confirmed"] = load.Confirmed,
            ["stored"] = stored,
            ["retried_after_lost_answer"] = load.Retried,
            ["failed"] = load.Failures.Count,
            ["lost"] = lost,
            ["oversold"] = oversold,
            ["unbalanced_products"] = unbalanced,
            ["takeover_seconds"] = Math.Round(takeover.TotalSeconds, 2),
            ["load_seconds"] = Math.Round(load.Elapsed.TotalSeconds, 1),
        };
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "cluster-chaos.json");
        await File.WriteAllTextAsync(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"results written to {path}");
    }

    /// <summary>
    /// Buyers reserving one unit each under a unique id until every product is sold out. An answer lost with a
    /// silo is asked for again under the same id, which the product grain never reserves twice.
    /// </summary>
    private sealed class ReservationLoad(IReadOnlyList<IProductGrain> products)
    {
        private readonly ConcurrentDictionary<string, byte> _confirmed = new(StringComparer.Ordinal);
        private readonly TaskCompletionSource<TimeSpan> _takeover = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Stopwatch _clock = new();
        private HashSet<int> _watched = [];
        private long _killedAt;
        private long _retried;
        private TaskCompletionSource? _confirmedEnough;
        private int _confirmedTarget;

        public ConcurrentBag<Exception> Failures { get; } = [];

        public int Confirmed => _confirmed.Count;

        public ICollection<string> ConfirmedIds => _confirmed.Keys;

        public long Retried => Interlocked.Read(ref _retried);

        public TimeSpan Elapsed => _clock.Elapsed;

        public TimeSpan TakeoverTime => _takeover.Task.IsCompletedSuccessfully ? _takeover.Task.Result : TimeSpan.MaxValue;

        public Task WaitForConfirmedAsync(int target)
        {
            _confirmedTarget = target;
            _confirmedEnough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _confirmedEnough.Task;
        }

        public void StartTakeoverClock(HashSet<int> products, long killedAt)
        {
            _watched = products;
            Volatile.Write(ref _killedAt, killedAt);
            if (products.Count == 0)
            {
                _takeover.TrySetResult(TimeSpan.Zero);
            }
        }

        public async Task RunAsync(int buyers, TimeSpan limit)
        {
            _clock.Start();
            using var stop = new CancellationTokenSource(limit);
            var soldOut = new bool[products.Count];
            await Task.WhenAll(Enumerable.Range(0, buyers).Select(buyer => Task.Run(async () =>
            {
                for (var attempt = 0L; !stop.IsCancellationRequested && !soldOut.All(s => s); attempt++)
                {
                    var product = (int)((buyer + attempt) % products.Count);
                    if (Volatile.Read(ref soldOut[product]))
                    {
                        continue;
                    }

                    var id = $"chaos-{product}/b{buyer}-{attempt}";
                    var startedAt = Stopwatch.GetTimestamp();
                    switch (await ReserveAsync(product, id, stop.Token))
                    {
                        case true:
                            OnConfirmed(product, id, startedAt);
                            break;
                        case false:
                            Volatile.Write(ref soldOut[product], true);
                            break;
                    }
                }
            })));
            _clock.Stop();
        }

        /// <summary>True when held, false when sold out, null when the buyer gave up (a failure, recorded).</summary>
        private async Task<bool?> ReserveAsync(int product, string id, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var outcome = await products[product].Reserve(id[(id.IndexOf('/') + 1)..], 1, HoldUntil);
                    return outcome.Holds;
                }
                catch (Exception exception) when (exception is GrainCallInterruptedException or TimeoutException or GrainUnavailableException)
                {
                    Interlocked.Increment(ref _retried);
                }
                catch (Exception exception)
                {
                    Failures.Add(exception);
                    return null;
                }
            }

            return null;
        }

        private void OnConfirmed(int product, string id, long startedAt)
        {
            _confirmed[id] = 0;
            if (_confirmedEnough is { } enough && _confirmed.Count >= _confirmedTarget)
            {
                enough.TrySetResult();
            }

            var killedAt = Volatile.Read(ref _killedAt);
            if (killedAt != 0 && startedAt > killedAt && _watched.Contains(product))
            {
                _takeover.TrySetResult(Stopwatch.GetElapsedTime(killedAt));
            }
        }
    }
}
