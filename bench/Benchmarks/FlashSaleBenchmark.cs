using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Commerce.Testing;
using Npgsql;

namespace Benchmarks;

/// <summary>
/// A flash sale over HTTP: two silo processes and two front ends (cluster-client mode, rate limits on) on a private
/// PostgreSQL; one product on a sale of 5,000 units, one per buyer; 10,000 buyers with their own tokens make 100,000
/// purchase attempts (POST /api/v1/orders, a new Idempotency-Key each), round-robin over buyers and front ends, 64 in
/// flight. Then PostgreSQL is asked: orders for the product = its stock, stock 0, oversold 0, no buyer above the
/// limit; and pg_stat_user_tables how many rows the product's tables (products, product_holds, product_sale_buyers)
/// had inserted, updated or deleted during the load, per order and per attempt. When wrk is on the PATH it then
/// measures the same hot path (orders for the now sold-out product) from outside with bench/wrk/flash-sale.lua.
/// <c>--smoke</c>: 100 buyers, 1,000 attempts, 50 units, wrk for 2 s, through the same processes and checks.
/// </summary>
public static class FlashSaleBenchmark
{
    private const int DefaultBuyers = 10_000;
    private const int AttemptsPerBuyer = 10;
    private const int DefaultStock = 5_000;
    private const int DefaultConcurrency = 64;
    private const int PerBuyerLimit = 1;
    private const int Silos = 2;
    private const int Frontends = 2;
    private const long Price = 990_000; // VND, minor units
    private const string ProductId = "bench-flash-sale";
    private const string WarmupProductId = "bench-flash-warmup";
    private const int WarmupAttempts = 400;

    /// <summary>
    /// The warm-up's length (the smoke mode's is <see cref="WarmupAttempts"/> attempts): the processes go on compiling
    /// hot methods (tiered JIT) for tens of seconds under load on two cores, and the sale measured sooner measures that
    /// too. Its own product on a sale of the same size, so the selling and the sold-out paths both warm up.
    /// </summary>
    private static readonly TimeSpan WarmupDuration = TimeSpan.FromSeconds(40);
    private const string SigningKey = "flash-sale-benchmark-signing-key-0123456789";

    /// <summary>
    /// Each front end's order bucket: a buyer makes 10 attempts, so a burst of 20 and 10 a second back never limit an
    /// honest buyer; the concurrency limiter keeps its defaults (256 in flight, 512 queued), above the 64 sent at once.
    /// </summary>
    private static readonly Dictionary<string, string> s_rateLimits = new()
    {
        ["RateLimits__Orders__TokensPerPeriod"] = "10",
        ["RateLimits__Orders__Period"] = "00:00:01",
        ["RateLimits__Orders__Burst"] = "20",
    };

    private static readonly string[] s_productTables = ["products", "product_holds", "product_sale_buyers"];

    public static async Task<int> RunAsync(BenchmarkArguments arguments)
    {
        var buyers = arguments.Customers ?? (arguments.Smoke ? 100 : DefaultBuyers);
        var attempts = buyers * AttemptsPerBuyer;
        var stock = arguments.Smoke ? 50 : Math.Min(DefaultStock, buyers / 2);
        var concurrency = arguments.Concurrency ?? (arguments.Smoke ? 16 : DefaultConcurrency);
        var runDirectory = Path.Combine(Path.GetTempPath(), $"flash-sale-{Environment.ProcessId}");
        Console.WriteLine($"flash-sale{(arguments.Smoke ? " --smoke" : "")}: {attempts:N0} attempts from {buyers:N0} buyers on one product with {stock:N0} units "
            + $"(limit {PerBuyerLimit} per buyer), {concurrency} in flight, {Silos} silo processes, {Frontends} front ends; {Environment.ProcessorCount} cores; logs in {runDirectory}");
        await using var server = await PostgresServer.StartAsync();
        var database = await server.CreateDatabaseAsync("flashsale");

        var silos = new List<SiloProcess>();
        var frontends = new List<WebFrontendProcess>();
        try
        {
            silos.AddRange(await SiloProcesses.StartAsync(Silos, database, runDirectory));
            frontends.AddRange(Enumerable.Range(1, Frontends).Select(i => WebFrontendProcess.Start(database, SigningKey, runDirectory, s_rateLimits, $"web-frontend-{i}")));
            using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, MaxConnectionsPerServer = concurrency })
            {
                Timeout = TimeSpan.FromSeconds(30),
            };
            foreach (var frontend in frontends)
            {
                await frontend.WaitUntilReadyAsync(http, TimeSpan.FromMinutes(2));
            }

            Console.WriteLine($"  {Silos} silos settled; front ends ready at {string.Join(", ", frontends.Select(f => $"{f.BaseAddress} (pid {f.ProcessId})"))}");
            var adminToken = BenchmarkTokens.Sign(SigningKey, "admin", "admin");
            var addresses = frontends.Select(f => f.BaseAddress).ToList();
            var smoke = arguments.Smoke;
            await PutOnSaleAsync(http, addresses[0], adminToken, WarmupProductId, smoke ? WarmupAttempts / 4 : stock);
            await PutOnSaleAsync(http, addresses[0], adminToken, ProductId, stock);
            Console.WriteLine($"  {ProductId} on sale: {stock:N0} units, {PerBuyerLimit} per buyer; rate limits per front end: {string.Join(", ", s_rateLimits.Select(p => $"{p.Key}={p.Value}"))}");

            var warmup = smoke
                ? await RunLoadAsync(http, addresses, WarmupProductId, Tokens("bench-warm", WarmupAttempts / AttemptsPerBuyer), WarmupAttempts, concurrency)
                : await RunLoadAsync(http, addresses, WarmupProductId, Tokens("bench-warm", buyers), attempts, concurrency, WarmupDuration);
            Console.WriteLine($"  warm-up on {WarmupProductId} (not counted): {warmup.Describe()}");

            var tokens = Tokens("bench-buyer", buyers);
            await using var dataSource = NpgsqlDataSource.Create(database);
            await Task.Delay(DatabaseActivity.Settle);
            var before = await CountersAsync(dataSource);
            var loadBefore = ResultsFile.LoadAverage();
            Console.WriteLine($"  measuring: {attempts:N0} attempts…");
            var load = await RunLoadAsync(http, addresses, ProductId, tokens, attempts, concurrency);
            var loadAfter = ResultsFile.LoadAverage();
            Console.WriteLine($"  {load.Describe()}");
            Console.WriteLine($"  waiting {DatabaseActivity.Settle.TotalSeconds:0} s for PostgreSQL's statistics to include every backend's writes…");
            await Task.Delay(DatabaseActivity.Settle);
            var after = await CountersAsync(dataSource);
            var books = await ReadBooksAsync(dataSource, stock);
            var membership = await MembershipCheck.ReadAsync(database);

            var outside = await WrkRun.MeasureAsync(addresses[0], ProductId, tokens, runDirectory, arguments.Smoke ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(10));
            var report = Report.Of(load, before, after, books, stock);
            Print(report, loadBefore, loadAfter, outside);

            var document = ResultsFile.Header("flash-sale", arguments, loadBefore);
            document["setup"] = $"{Silos} silo processes and {Frontends} HTTP front ends (cluster-client mode, Production) as processes (Release under bench/run.sh) on a private PostgreSQL "
                + "(fsync on), all on this machine; attempts round-robin over buyers and front ends, each with its buyer's own token and a new Idempotency-Key";
            document["buyers"] = buyers;
            document["attempts"] = attempts;
            document["stock"] = stock;
            document["per_buyer_limit"] = PerBuyerLimit;
            document["concurrency"] = concurrency;
            document["rate_limits_per_front_end"] = new JsonObject([.. s_rateLimits.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))]);
            document["load_average_during"] = new JsonObject { ["before"] = loadBefore, ["after"] = loadAfter };
            document["statuses"] = new JsonObject([.. load.Statuses.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))]);
            document["rate_limited_429"] = load.Count("429");
            document["wall_seconds"] = Math.Round(load.Elapsed.TotalSeconds, 2);
            document["sold_out_after_seconds"] = Math.Round(load.LastCreated.TotalSeconds, 2);
            document["attempts_per_s"] = Math.Round(report.AttemptsPerSecond, 1);
            document["confirmed_per_s"] = Math.Round(report.ConfirmedPerSecond, 1);
            document["confirmed_per_s_means"] = "201s divided by the time from the first attempt to the last 201 (the sell-out)";
            document["latency_all_attempts"] = load.Latency.ToJson();
            document["latency_created"] = load.CreatedLatency.ToJson();
            document["database"] = books.ToJson();
            document["writes"] = report.WritesJson();
            document["membership"] = membership.ToJson();
            document["targets"] = new JsonObject { ["attempts_per_s"] = ">= 10000", ["confirmed_per_s"] = ">= 1000", ["p99_ms"] = "<= 150" };
            document["warmup"] = warmup.Describe();
            if (outside is not null)
            {
                document["wrk"] = outside.ToJson();
            }

            await ResultsFile.WriteAsync(arguments, "flash-sale", document);
            var failures = report.Failures().Concat(membership.Passed ? [] : [$"{string.Join(", ", membership.FalselyDead)} declared dead without being killed"]).ToList();
            foreach (var failure in failures)
            {
                Console.WriteLine($"  FAILED: {failure}");
            }

            Console.WriteLine($"flash-sale: oversold={books.Oversold} orders={books.Orders} attempts_per_s={Fixed(report.AttemptsPerSecond, 1)} "
                + $"confirmed_per_s={Fixed(report.ConfirmedPerSecond, 1)} p99_ms={Fixed(load.Latency.P99, 1)} writes_per_order={Fixed(report.WritesPerOrder, 2)}");
            return failures.Count == 0 ? 0 : 1;
        }
        finally
        {
            foreach (var frontend in frontends)
            {
                await frontend.TerminateAsync(TimeSpan.FromSeconds(15));
                await frontend.DisposeAsync();
            }

            await SiloProcesses.StopAsync(silos);
        }
    }

    /// <summary>Buyers' tokens, signed with the front ends' key (Production serves no development tokens).</summary>
    private static string[] Tokens(string prefix, int count)
        => [.. Enumerable.Range(0, count).Select(i => $"{prefix}-{i.ToString("D5", CultureInfo.InvariantCulture)}").Select(id => BenchmarkTokens.Sign(SigningKey, id, "customer"))];

    /// <summary>Creates the product with no stock and puts it on a sale that is open now, with <paramref name="stock"/> units.</summary>
    private static async Task PutOnSaleAsync(HttpClient http, Uri frontend, string adminToken, string id, int stock)
    {
        using (var create = new HttpRequestMessage(HttpMethod.Post, new Uri(frontend, "/api/v1/products")))
        {
            create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
            create.Content = JsonContent.Create(new JsonObject { ["id"] = id, ["name"] = $"Flash sale benchmark {id}", ["price"] = Price, ["stock"] = 0 });
            using var created = await http.SendAsync(create);
            await Expect(created, HttpStatusCode.Created, "POST /api/v1/products");
        }

        using var get = new HttpRequestMessage(HttpMethod.Get, new Uri(frontend, $"/api/v1/products/{id}"));
        get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using var product = await http.SendAsync(get);
        await Expect(product, HttpStatusCode.OK, "GET /api/v1/products/{id}");
        var now = DateTimeOffset.UtcNow;
        using var sale = new HttpRequestMessage(HttpMethod.Put, new Uri(frontend, $"/api/v1/products/{id}/sale"));
        sale.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        sale.Headers.IfMatch.Add(product.Headers.ETag!);
        sale.Content = JsonContent.Create(new JsonObject
        {
            ["starts_at"] = now.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture),
            ["ends_at"] = now.AddHours(2).ToString("O", CultureInfo.InvariantCulture),
            ["per_buyer_limit"] = PerBuyerLimit,
            ["stock"] = stock,
        });
        using var answer = await http.SendAsync(sale);
        await Expect(answer, HttpStatusCode.OK, "PUT /api/v1/products/{id}/sale");
    }

    private static async Task Expect(HttpResponseMessage response, HttpStatusCode status, string what)
    {
        if (response.StatusCode != status)
        {
            throw new InvalidOperationException($"{what} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>
    /// <paramref name="attempts"/> purchase attempts, <paramref name="concurrency"/> at a time: attempt i is buyer
    /// i mod buyers on front end i mod 2, so every buyer makes its first attempt before any makes its second.
    /// </summary>
    private static async Task<Load> RunLoadAsync(
        HttpClient http, IReadOnlyList<Uri> frontends, string productId, string[] tokens, int attempts, int concurrency, TimeSpan? duration = null)
    {
        var latencies = new double[attempts];
        var created = new bool[attempts];
        var statuses = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var body = $$"""{"items":[{"product_id":"{{productId}}","quantity":1}]}""";
        var orders = frontends.Select(f => new Uri(f, "/api/v1/orders")).ToArray();
        long lastCreatedTicks = 0;
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((duration is null || Stopwatch.GetElapsedTime(started) < duration) && (i = Interlocked.Increment(ref next)) < attempts)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, orders[i % orders.Length]);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[i % tokens.Length]);
                request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
                request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
                var sent = Stopwatch.GetTimestamp();
                string outcome;
                try
                {
                    using var response = await http.SendAsync(request);
                    var text = await response.Content.ReadAsStringAsync();
                    outcome = response.StatusCode == HttpStatusCode.Created ? "201" : $"{(int)response.StatusCode} {ProblemType(text)}".TrimEnd();
                    created[i] = response.StatusCode == HttpStatusCode.Created;
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    outcome = $"error {exception.GetType().Name}";
                }

                var now = Stopwatch.GetTimestamp();
                latencies[i] = Stopwatch.GetElapsedTime(sent, now).TotalMilliseconds;
                if (created[i])
                {
                    InterlockedMax(ref lastCreatedTicks, now - started);
                }

                statuses.AddOrUpdate(outcome, 1, (_, n) => n + 1);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started);

        // A timed run stops early: only the attempts it made count.
        var made = Math.Min(Volatile.Read(ref next) + 1, attempts);
        return new Load(made, elapsed, TimeSpan.FromSeconds((double)lastCreatedTicks / Stopwatch.Frequency), statuses,
            Percentiles.Of(latencies.Take(made)), Percentiles.Of(latencies.Take(made).Where((_, i) => created[i])));
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    /// <summary>The problem type's last segment (out-of-stock, purchase-limit-reached, rate-limited…), or "" when the body is not one.</summary>
    private static string ProblemType(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["type"]?.GetValue<string>()?.Split('/')[^1] ?? "";
        }
        catch (System.Text.Json.JsonException)
        {
            return "";
        }
    }

    /// <summary>Rows inserted, updated and deleted so far in the product's tables, and transactions committed in the database.</summary>
    private static async Task<Counters> CountersAsync(NpgsqlDataSource dataSource)
    {
        var rows = new Dictionary<string, long[]>(StringComparer.Ordinal);
        await using (var command = dataSource.CreateCommand("SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables WHERE relname = ANY($1)"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = s_productTables });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows[reader.GetString(0)] = [reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)];
            }
        }

        await using var commits = dataSource.CreateCommand("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");
        return new Counters(rows, (long)(await commits.ExecuteScalarAsync())!);
    }

    /// <summary>What PostgreSQL holds for the sale product after the load.</summary>
    private static async Task<Books> ReadBooksAsync(NpgsqlDataSource dataSource, int stock)
    {
        async Task<long> Scalar(string sql)
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter { Value = ProductId });
            return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        var orders = await Scalar("SELECT count(DISTINCT order_id) FROM order_items WHERE product_id = $1");
        var unitsOrdered = await Scalar("SELECT coalesce(sum(quantity), 0) FROM order_items WHERE product_id = $1");
        var unitsHeld = await Scalar("SELECT coalesce(sum(quantity), 0) FROM product_holds WHERE product_id = $1");
        var available = await Scalar("SELECT available FROM products WHERE id = $1");
        var maxOrdersPerBuyer = await Scalar("""
            SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM orders o JOIN order_items i ON i.order_id = o.id
            WHERE i.product_id = $1 GROUP BY o.customer_id) per_buyer
            """);
        var maxCountedPerBuyer = await Scalar("SELECT coalesce(max(units), 0) FROM product_sale_buyers WHERE product_id = $1");
        var buyersCounted = await Scalar("SELECT count(*) FROM product_sale_buyers WHERE product_id = $1");
        return new Books(orders, unitsOrdered, unitsHeld, available, Math.Max(0, Math.Max(unitsOrdered, unitsHeld) - stock), maxOrdersPerBuyer, maxCountedPerBuyer, buyersCounted);
    }

    private static void Print(Report report, string loadBefore, string loadAfter, WrkRun? outside)
    {
        var load = report.Load;
        Console.WriteLine();
        Console.WriteLine($"| {"measure",-50} | {"value",18} |");
        Console.WriteLine($"|{new string('-', 52)}|{new string('-', 20)}|");
        Row("attempts / buyers / units", $"{load.Attempts:N0} / {load.Attempts / AttemptsPerBuyer:N0} / {report.Stock:N0}");
        foreach (var (status, count) in load.Statuses.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Row($"  answered {status}", $"{count:N0}");
        }

        Row("wall time / sold out after (s)", $"{Fixed(load.Elapsed.TotalSeconds, 1)} / {Fixed(load.LastCreated.TotalSeconds, 1)}");
        Row("attempts per second (target ≥ 10,000)", Fixed(report.AttemptsPerSecond, 1));
        Row("confirmed orders per second (target ≥ 1,000)", Fixed(report.ConfirmedPerSecond, 1));
        Row("all attempts p50 / p90 (ms)", $"{Fixed(load.Latency.P50, 1)} / {Fixed(load.Latency.P90, 1)}");
        Row("all attempts p99 / max (ms) (target p99 ≤ 150)", $"{Fixed(load.Latency.P99, 1)} / {Fixed(load.Latency.Max, 1)}");
        Row("201 only p50 / p99 (ms)", $"{Fixed(load.CreatedLatency.P50, 1)} / {Fixed(load.CreatedLatency.P99, 1)}");
        Row("PostgreSQL: orders / units held / available", $"{report.Books.Orders:N0} / {report.Books.UnitsHeld:N0} / {report.Books.Available:N0}");
        Row("PostgreSQL: oversold / most orders of one buyer", $"{report.Books.Oversold:N0} / {report.Books.MaxOrdersPerBuyer:N0}");
        Row("product rows written (ins+upd+del, 3 tables)", $"{report.Writes:N0}");
        Row("  per order / per attempt", $"{Fixed(report.WritesPerOrder, 2)} / {Fixed(report.WritesPerAttempt, 4)}");
        Row("transactions committed (whole database)", $"{report.Commits:N0}");
        Console.WriteLine();
        Console.WriteLine($"  writes by table (inserted/updated/deleted): {report.WritesJson()["by_table_ins_upd_del"]!.ToJsonString()}");
        Console.WriteLine($"  load average (1/5/15 min) before / after the measured run: {loadBefore} / {loadAfter}");
        if (outside is not null)
        {
            Console.WriteLine($"  wrk ({outside.Command}):");
            foreach (var line in outside.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                Console.WriteLine($"    {line}");
            }
        }
    }

    private static void Row(string measure, string value) => Console.WriteLine($"| {measure,-50} | {value,18} |");

    private static string Fixed(double value, int decimals) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private sealed record Load(int Attempts, TimeSpan Elapsed, TimeSpan LastCreated, ConcurrentDictionary<string, int> Statuses, Percentiles Latency, Percentiles CreatedLatency)
    {
        public int Count(string status) => Statuses.Where(p => p.Key.StartsWith(status, StringComparison.Ordinal)).Sum(p => p.Value);

        public string Describe() => $"{Attempts:N0} attempts in {Elapsed.TotalSeconds:0.0} s: "
            + string.Join(", ", Statuses.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} × {p.Value:N0}"));
    }

    private sealed record Counters(Dictionary<string, long[]> Rows, long Commits);

    private sealed record Books(long Orders, long UnitsOrdered, long UnitsHeld, long Available, long Oversold, long MaxOrdersPerBuyer, long MaxCountedPerBuyer, long BuyersCounted)
    {
        public JsonObject ToJson() => new()
        {
            ["orders"] = Orders, ["units_ordered"] = UnitsOrdered, ["units_held"] = UnitsHeld, ["available"] = Available, ["oversold"] = Oversold,
            ["max_orders_of_one_buyer"] = MaxOrdersPerBuyer, ["max_units_counted_for_one_buyer"] = MaxCountedPerBuyer, ["buyers_counted"] = BuyersCounted,
        };
    }

    private sealed record Report(Load Load, Books Books, int Stock, long Writes, long Commits, JsonObject ByTable)
    {
        public double AttemptsPerSecond => Load.Attempts / Load.Elapsed.TotalSeconds;

        public double ConfirmedPerSecond => Load.LastCreated > TimeSpan.Zero ? Load.Count("201") / Load.LastCreated.TotalSeconds : 0;

        public double WritesPerOrder => Books.Orders == 0 ? 0 : (double)Writes / Books.Orders;

        public double WritesPerAttempt => (double)Writes / Load.Attempts;

        public static Report Of(Load load, Counters before, Counters after, Books books, int stock)
        {
            var byTable = new JsonObject();
            long writes = 0;
            foreach (var table in s_productTables)
            {
                var b = before.Rows.GetValueOrDefault(table, [0, 0, 0]);
                var a = after.Rows.GetValueOrDefault(table, [0, 0, 0]);
                var delta = a.Zip(b, (x, y) => x - y).ToArray();
                writes += delta.Sum();
                byTable[table] = new JsonArray(delta[0], delta[1], delta[2]);
            }

            return new Report(load, books, stock, writes, after.Commits - before.Commits, byTable);
        }

        public JsonObject WritesJson() => new()
        {
            ["source"] = "pg_stat_user_tables n_tup_ins + n_tup_upd + n_tup_del of products, product_holds and product_sale_buyers, after minus before the measured load "
                + "(the warm-up product's writes come before); transactions from pg_stat_database.xact_commit (every table, reads too)",
            ["rows_written"] = Writes,
            ["by_table_ins_upd_del"] = ByTable.DeepClone(),
            ["per_order"] = Math.Round(WritesPerOrder, 3),
            ["per_attempt"] = Math.Round(WritesPerAttempt, 5),
            ["transactions_committed"] = Commits,
        };

        /// <summary>The invariants: exactly the stock sold, none over, no buyer over the limit, PostgreSQL agreeing with the 201s.</summary>
        public IEnumerable<string> Failures()
        {
            if (Books.Oversold != 0)
            {
                yield return $"oversold {Books.Oversold}";
            }

            if (Books.Orders != Stock)
            {
                yield return $"{Books.Orders} orders for the product in PostgreSQL, not its {Stock} units";
            }

            if (Books.Orders != Load.Count("201"))
            {
                yield return $"{Load.Count("201")} attempts answered 201 but PostgreSQL holds {Books.Orders} orders";
            }

            if (Books.Available != 0)
            {
                yield return $"{Books.Available} units still available after the sale sold out";
            }

            if (Books.MaxOrdersPerBuyer > PerBuyerLimit || Books.MaxCountedPerBuyer > PerBuyerLimit)
            {
                yield return $"a buyer above the limit of {PerBuyerLimit}: {Books.MaxOrdersPerBuyer} orders, {Books.MaxCountedPerBuyer} units counted";
            }
        }
    }

    private sealed record Percentiles(double P50, double P90, double P99, double Max, int Count)
    {
        /// <summary>Nearest-rank percentiles.</summary>
        public static Percentiles Of(IEnumerable<double> samples)
        {
            var sorted = samples.Order().ToArray();
            double At(double p) => sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
            return new Percentiles(At(0.50), At(0.90), At(0.99), sorted.Length == 0 ? 0 : sorted[^1], sorted.Length);
        }

        public JsonObject ToJson() => new()
        {
            ["p50_ms"] = Math.Round(P50, 2), ["p90_ms"] = Math.Round(P90, 2), ["p99_ms"] = Math.Round(P99, 2), ["max_ms"] = Math.Round(Max, 2), ["samples"] = Count,
        };
    }
}
