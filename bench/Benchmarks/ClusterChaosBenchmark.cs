using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Commerce.Testing;
using Grains.Products;
using Grains.Storage;
using Npgsql;

namespace Benchmarks;

/// <summary>
/// Three silo processes on a private PostgreSQL, a flash-sale load of reservations on a few hot products through a
/// cluster client, and <c>kill -9</c> of the silo serving the most of them mid-run. Then the books: every confirmed
/// reservation must be in PostgreSQL (lost = 0), no product may have given out more than its stock (oversold = 0),
/// the products of the killed silo must all be served again within the takeover target (5 s, measured by
/// <see cref="TakeoverProbe"/>), and the membership table may show only the killed silo as dead.
/// </summary>
/// <remarks>
/// A buyer's call that was in flight to the killed silo gets no answer: the client learns nothing of the silo behind
/// its gateway, so the call fails only at the client's response timeout (10 s here, Orleans' default 30 s) and is
/// then asked again. So the buyers' own first confirmation after the kill is reported too, but the takeover is the
/// probe's: when the products answer calls again.
/// </remarks>
public static class ClusterChaosBenchmark
{
    private const int Silos = 3;

    /// <summary>The issue's target for serving the killed silo's products elsewhere (enforced in full runs).</summary>
    private static readonly TimeSpan s_takeoverTarget = TimeSpan.FromSeconds(5);

    /// <summary>Holds outlive the run: the books are read before any could lapse.</summary>
    private static readonly DateTimeOffset s_holdUntil = DateTimeOffset.UtcNow.AddDays(1);

    public static async Task<int> RunAsync(BenchmarkArguments arguments)
    {
        // Smoke: the same kill and the same books, on a few hundred units.
        var (products, unitsPerProduct, buyers) = arguments.Smoke ? (4, 150, 12) : (8, 2_500, 48);
        var loadLimit = arguments.Smoke ? TimeSpan.FromSeconds(45) : arguments.Duration * 12;
        var runDirectory = Path.Combine(Path.GetTempPath(), $"cluster-chaos-{Environment.ProcessId}");
        var loadBefore = ResultsFile.LoadAverage();
        Console.WriteLine($"cluster-chaos{(arguments.Smoke ? " --smoke" : "")}: {Silos} silo processes, {products} products × {unitsPerProduct} units, {buyers} buyers; "
            + $"{Environment.ProcessorCount} cores, load average {loadBefore}; logs in {runDirectory}");
        await using var server = await PostgresServer.StartAsync();
        var database = await server.CreateDatabaseAsync("chaos");

        var silos = await SiloProcesses.StartAsync(Silos, database, runDirectory);
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(database);
            // A call lost with the killed silo fails after 10 s at most, and its buyer asks again.
            await using var client = await ClusterClient.ConnectAsync(database, responseTimeout: TimeSpan.FromSeconds(10));
            var grains = Enumerable.Range(0, products).Select(i => client.Grains.GetGrain<IProductGrain>($"chaos-{i}")).ToList();
            await Task.WhenAll(grains.Select((p, i) => p.Create(new NewProduct($"Chaos product {i}", 100_000, unitsPerProduct))));

            // Where each product is served now, as the cluster's directory knows it.
            var management = client.Grains.GetGrain<IManagementGrain>(0);
            var owners = new Dictionary<int, SiloProcess>();
            for (var i = 0; i < products; i++)
            {
                var address = await management.GetActivationAddress(grains[i]) ?? throw new InvalidOperationException($"chaos-{i} has no activation after its creation.");
                owners[i] = silos.Single(s => s.SiloPort == address.Endpoint.Port);
            }

            var victim = owners.Values.GroupBy(s => s.Name).MaxBy(g => g.Count())!.First();
            var victimProducts = owners.Where(pair => pair.Value == victim).Select(pair => pair.Key).ToHashSet();
            Console.WriteLine($"  products per silo: {string.Join(", ", silos.Select(s => $"{s.Name} {owners.Values.Count(o => o == s)}"))}");

            var load = new ReservationLoad(grains, s_holdUntil);
            var running = load.RunAsync(buyers, loadLimit);
            await Task.WhenAny(load.WaitForConfirmedAsync(products * unitsPerProduct / 4), running);

            Console.WriteLine($"  kill -9 {victim.Name} (pid {victim.ProcessId}), serving {victimProducts.Count} of the {products} products, after {load.Confirmed} confirmed reservations");
            var killedAt = Stopwatch.GetTimestamp();
            await victim.KillAsync();

            // Only calls that start once the process is gone can show the takeover (one in flight may still have been answered).
            load.StartTakeoverClock(victimProducts, killedAt);
            var probe = TakeoverProbe.Start([.. victimProducts.Order().Select(i => grains[i])], killedAt, loadLimit);
            await running;
            var served = await probe.ResultsAsync();

            // Read while the survivors still run: a silo that stops gracefully marks itself dead too.
            var membership = await MembershipCheck.ReadAsync(database, [victim.Name]);
            // All of the killed silo's products answer again: the slowest one's time.
            var takeover = served.Any(s => s is null) ? null : served.Max();
            var buyersTakeover = load.TakeoverTime;
            var books = await ReadBooksAsync(dataSource);
            var lost = load.ConfirmedIds.Count(id => !books.Reservations.Contains(id));
            var oversold = books.PerProduct.Sum(p => Math.Max(0, p.Reserved - unitsPerProduct) + (p.Available < 0 ? 1 : 0));
            var unbalanced = books.PerProduct.Count(p => p.Available + p.Reserved != unitsPerProduct);
            var soldOut = books.PerProduct.Count == products && books.PerProduct.All(p => p.Available == 0);
            var takeoverSeconds = takeover is { } t ? Math.Round(t.TotalSeconds, 2) : double.NaN;

            Console.WriteLine();
            Console.WriteLine($"| {"measure",-48} | {"value",12} |");
            Console.WriteLine($"|{new string('-', 50)}|{new string('-', 14)}|");
            Row("reservations confirmed to buyers", $"{load.Confirmed:N0}");
            Row("reservations stored in PostgreSQL", $"{books.Reservations.Count:N0}");
            Row("calls failed by the kill, asked again", $"{load.Retried:N0}");
            Row("calls that failed for good", $"{load.Failures.Count:N0}");
            Row("confirmed but not stored (lost)", $"{lost:N0}");
            Row("units given beyond stock (oversold)", $"{oversold:N0}");
            Row("products whose books do not balance", $"{unbalanced:N0}");
            Row("every product sold out", soldOut ? "yes" : "NO");
            Row("takeover: all killed silo's products answer (s)", takeover is null ? "never" : takeoverSeconds.ToString("0.00", CultureInfo.InvariantCulture));
            Row("  first of them to answer (s)", served.Min() is { } firstServed ? firstServed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) : "never");
            Row("  first buyer confirmed there after the kill (s)", buyersTakeover is { } b ? b.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) : "never");
            Row("load duration (s)", $"{load.Elapsed.TotalSeconds:0.0}");
            Console.WriteLine();
            foreach (var (kind, count) in load.RetriedByKind.OrderByDescending(p => p.Value))
            {
                Console.WriteLine($"  asked again after {kind}: {count}");
            }

            if (load.Failures.FirstOrDefault() is { } failure)
            {
                Console.WriteLine($"  first failure: {failure.GetType().Name}: {failure.Message}");
            }

            var correct = lost == 0 && oversold == 0 && unbalanced == 0 && soldOut && load.Failures.IsEmpty && takeover is not null && membership.Passed;
            var targetMet = takeover is { } time && time <= s_takeoverTarget;
            var document = ResultsFile.Header("cluster-chaos", arguments, loadBefore);
            document["silos"] = Silos;
            document["products"] = products;
            document["units_per_product"] = unitsPerProduct;
            document["buyers"] = buyers;
            document["failure_detection"] = "the product's defaults (UseFastFailureDetection), no overrides";
            document["victim"] = victim.Name;
            document["victim_products"] = victimProducts.Count;
            document["confirmed"] = load.Confirmed;
            document["stored"] = books.Reservations.Count;
            document["retried_after_failed_call"] = load.Retried;
            document["retried_by_kind"] = new JsonObject([.. load.RetriedByKind.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))]);
            document["failed"] = load.Failures.Count;
            document["lost"] = lost;
            document["oversold"] = oversold;
            document["unbalanced_products"] = unbalanced;
            document["sold_out"] = soldOut;
            document["takeover_seconds"] = takeover is null ? null : takeoverSeconds;
            document["takeover_seconds_per_product"] = new JsonArray([.. served.Select(s => JsonValue.Create(s is { } t ? Math.Round(t.TotalSeconds, 2) : (double?)null))]);
            document["buyers_first_confirmation_after_kill_seconds"] = buyersTakeover is { } bt ? Math.Round(bt.TotalSeconds, 2) : null;
            document["client_response_timeout_seconds"] = 10;
            document["takeover_target_seconds"] = s_takeoverTarget.TotalSeconds;
            document["load_seconds"] = Math.Round(load.Elapsed.TotalSeconds, 1);
            document["membership"] = membership.ToJson();
            await ResultsFile.WriteAsync(arguments, "cluster-chaos", document);

            if (!targetMet)
            {
                Console.WriteLine($"  takeover {(takeover is null ? "never happened" : $"took {takeoverSeconds} s")}; target ≤ {s_takeoverTarget.TotalSeconds} s"
                    + (arguments.Smoke ? " (only enforced in full runs)" : ""));
            }

            Console.WriteLine($"cluster-chaos: lost={lost} oversold={oversold} takeover_s={(takeover is null ? "never" : takeoverSeconds.ToString(CultureInfo.InvariantCulture))}");
            return correct && (targetMet || arguments.Smoke) ? 0 : 1;
        }
        finally
        {
            await SiloProcesses.StopAsync(silos);
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

    /// <summary>
    /// Buyers reserving one unit each under a unique id until every product is sold out. A call that failed because a
    /// silo died (no answer, refused, timed out, or a write the dying activation could not make) is asked again
    /// under the same id, which the product grain never reserves twice.
    /// </summary>
    private sealed class ReservationLoad(IReadOnlyList<IProductGrain> products, DateTimeOffset holdUntil)
    {
        private static readonly TimeSpan s_retryDelay = TimeSpan.FromMilliseconds(50);

        private readonly ConcurrentDictionary<string, byte> _confirmed = new(StringComparer.Ordinal);
        private readonly TaskCompletionSource<TimeSpan> _takeover = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Stopwatch _clock = new();
        private HashSet<int> _watched = [];
        private long _killedAt;
        private long _retried;
        private TaskCompletionSource? _confirmedEnough;
        private int _confirmedTarget;

        public ConcurrentBag<Exception> Failures { get; } = [];

        public ConcurrentDictionary<string, int> RetriedByKind { get; } = new(StringComparer.Ordinal);

        public int Confirmed => _confirmed.Count;

        public ICollection<string> ConfirmedIds => _confirmed.Keys;

        public long Retried => Interlocked.Read(ref _retried);

        public TimeSpan Elapsed => _clock.Elapsed;

        public TimeSpan? TakeoverTime => _takeover.Task.IsCompletedSuccessfully ? _takeover.Task.Result : null;

        public Task WaitForConfirmedAsync(int target)
        {
            _confirmedTarget = target;
            _confirmedEnough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_confirmed.Count >= target)
            {
                _confirmedEnough.TrySetResult();
            }

            return _confirmedEnough.Task;
        }

        public void StartTakeoverClock(HashSet<int> watched, long killedAt)
        {
            _watched = watched;
            Volatile.Write(ref _killedAt, killedAt);
            if (watched.Count == 0)
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
                        case (true, var askedAt):
                            OnConfirmed(product, id, askedAt);
                            break;
                        case (false, _):
                            Volatile.Write(ref soldOut[product], true);
                            break;
                    }
                }
            })));
            _clock.Stop();
        }

        /// <summary>
        /// (true, when the answering call started) when held, (false, _) when sold out, null when the buyer gave up
        /// (the load's time ran out, or a failure that no retry can mend, recorded).
        /// </summary>
        private async Task<(bool Holds, long AskedAt)?> ReserveAsync(int product, string id, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                var askedAt = Stopwatch.GetTimestamp();
                try
                {
                    var outcome = await products[product].Reserve(id[(id.IndexOf('/', StringComparison.Ordinal) + 1)..], 1, holdUntil, "chaos-buyer");
                    return (outcome.Holds, askedAt);
                }
                catch (Exception exception) when (exception is OrleansException or TimeoutException or GroupCommitFailedException)
                {
                    Interlocked.Increment(ref _retried);
                    RetriedByKind.AddOrUpdate(exception.GetType().Name, 1, (_, n) => n + 1);
                    await Task.Delay(s_retryDelay, CancellationToken.None);
                }
                catch (Exception exception)
                {
                    Failures.Add(exception);
                    return null;
                }
            }

            return null;
        }

        private void OnConfirmed(int product, string id, long askedAt)
        {
            _confirmed[id] = 0;
            if (_confirmedEnough is { } enough && _confirmed.Count >= _confirmedTarget)
            {
                enough.TrySetResult();
            }

            var killedAt = Volatile.Read(ref _killedAt);
            if (killedAt != 0 && askedAt > killedAt && _watched.Contains(product))
            {
                _takeover.TrySetResult(Stopwatch.GetElapsedTime(killedAt));
            }
        }
    }
}
