using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Commerce.Testing;
using Npgsql;

namespace Benchmarks;

/// <summary>
/// Checkout end to end, over HTTP, with the payment confirmed by the gateway's IPN: two silo processes and one or two
/// front ends (cluster-client mode) on a private PostgreSQL, and the VNPay gateway simulator as a process whose IPNs
/// go to the first front end. Each of N customers places an order (POST /api/v1/orders with an Idempotency-Key),
/// opens the pay URL on the simulator (which registers the transaction), completes it there as a success (which
/// queues the IPN), and then polls GET /api/v1/orders/{id} with their own token until it is PAID or a deadline
/// passes. Reported: paid orders per second over the run and the create → PAID latency; lost = orders that were
/// created but not PAID by the deadline, plus placements that failed. The payments' poll reminder keeps its default
/// interval (5 min), so a PAID here comes from the IPN; the simulator's querydr counter shows it was not asked.
/// <c>--smoke</c>: 24 customers, 8 at a time, through the same processes and checks.
/// </summary>
public static class CheckoutBenchmark
{
    private const int DefaultCustomers = 2_000;
    private const int DefaultConcurrency = 64;
    private const int DefaultFrontends = 2;
    private const int Silos = 2;
    private const int Products = 4;
    private const long Price = 250_000; // VND, minor units

    /// <summary>Warm-up checkouts (other customers, not counted) so the first measured orders do not pay for JIT and pools.</summary>
    private const int MaxWarmupCustomers = 128;

    /// <summary>Stock set aside for the warm-up's placements, which stop when it runs out (or when the warm-up ends).</summary>
    private const int MaxWarmupPlacementsPerProduct = 10_000;

    /// <summary>
    /// Placements before anything is measured. The silos and front ends go on compiling hot methods (tiered JIT, with
    /// PGO) for tens of seconds under load on two cores; measured sooner, a phase measures the JIT as much as the order
    /// path (the same build placed 206 orders/s after 2,000 warm-up placements, 333/s after 40 s of them).
    /// </summary>
    private static readonly TimeSpan WarmupDuration = TimeSpan.FromSeconds(40);

    internal static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    internal static readonly TimeSpan OrderDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan IpnRetryInterval = TimeSpan.FromSeconds(1);

    internal const string SigningKey = "checkout-benchmark-signing-key-0123456789";

    public static async Task<int> RunAsync(BenchmarkArguments arguments)
    {
        var customers = arguments.Customers ?? (arguments.Smoke ? 24 : DefaultCustomers);
        var concurrency = Math.Min(arguments.Concurrency ?? (arguments.Smoke ? 8 : DefaultConcurrency), customers);
        var frontendCount = arguments.Frontends ?? DefaultFrontends;
        if (frontendCount > 2)
        {
            throw new ArgumentException("checkout runs 1 or 2 front ends (--frontends 1|2).");
        }

        var warmupCustomers = Math.Min(MaxWarmupCustomers, Math.Max(concurrency, customers / 10));
        var runDirectory = Path.Combine(Path.GetTempPath(), $"checkout-{Environment.ProcessId}");
        Console.WriteLine($"checkout{(arguments.Smoke ? " --smoke" : "")}: {customers:N0} customers, {concurrency} at a time, {Silos} silo processes, {frontendCount} front end(s), gateway simulator "
            + $"(IPN on, retry every {IpnRetryInterval.TotalSeconds:0} s); {Environment.ProcessorCount} cores; logs in {runDirectory}");
        await using var server = await PostgresServer.StartAsync();
        var database = await server.CreateDatabaseAsync("checkout");

        // The front ends' ports are chosen first: the simulator is told where IPNs go when it starts, and the silos
        // and front ends are told where the simulator is.
        var frontendPorts = Enumerable.Range(0, frontendCount).Select(_ => FreePorts.Next()).ToList();
        var ipnFrontend = new Uri($"http://127.0.0.1:{frontendPorts[0]}");
        var gateway = await PaymentGatewayProcess.StartAsync(Merchant.TmnCode, Merchant.HashSecret, new Uri(ipnFrontend, "/api/v1/webhooks/vnpay/ipn"), runDirectory,
            new Dictionary<string, string> { ["Ipn:RetryInterval"] = IpnRetryInterval.ToString("c", CultureInfo.InvariantCulture) });
        Console.WriteLine($"  gateway simulator at {gateway.BaseAddress} (pid {gateway.ProcessId}), IPNs to {ipnFrontend}");

        var vnPay = Merchant.Environment(gateway, ipnFrontend);
        var silos = new List<SiloProcess>();
        var frontends = new List<WebFrontendProcess>();
        try
        {
            silos.AddRange(await SiloProcesses.StartAsync(Silos, database, runDirectory, vnPay));

            frontends.AddRange(frontendPorts.Select((port, i) => WebFrontendProcess.Start(database, SigningKey, runDirectory, vnPay, $"web-frontend-{i + 1}", port)));
            using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, AllowAutoRedirect = false })
            {
                Timeout = TimeSpan.FromSeconds(30),
            };
            foreach (var frontend in frontends)
            {
                await frontend.WaitUntilReadyAsync(http, TimeSpan.FromMinutes(2));
            }

            Console.WriteLine($"  {Silos} silos settled; front end(s) ready at {string.Join(", ", frontends.Select(f => $"{f.BaseAddress} (pid {f.ProcessId})"))}");

            var adminToken = BenchmarkTokens.Sign(SigningKey, "admin", "admin");
            var productIds = await SeedProductsAsync(http, frontends[0].BaseAddress, adminToken, stockEach: MaxWarmupPlacementsPerProduct + 2 * customers + warmupCustomers);
            var client = new CheckoutClient(http, [.. frontends.Select(f => f.BaseAddress)], gateway.BaseAddress, productIds);

            // One token is checked before the load: a customer token this benchmark signs must be accepted.
            await client.CheckTokenAsync(CustomerToken("bench-token-check"));

            // Checkouts first, so that the simulator's JIT is done too before anything is measured.
            var warmupDuration = arguments.Smoke ? TimeSpan.Zero : WarmupDuration;
            Console.WriteLine($"  warm-up: {warmupCustomers} checkouts, then placements for {warmupDuration.TotalSeconds:0} s (not counted)…");
            var warmup = await RunLoadAsync(client, "bench-warm", warmupCustomers, concurrency);
            Console.WriteLine($"  warm-up: {warmup.Results.Count(r => r.Paid)} of {warmupCustomers} paid in {warmup.Elapsed.TotalSeconds:0.0} s");
            var warmPlacements = await PlaceLoadAsync(client, "bench-warm-place", MaxWarmupPlacementsPerProduct * Products, concurrency, warmupDuration);
            Console.WriteLine($"  warm-up: {warmPlacements.Results.Count(r => r.Created):N0} of {warmPlacements.Results.Length:N0} placed in {warmPlacements.Elapsed.TotalSeconds:0.0} s");

            // Placement alone first: as many orders as customers, only POST /api/v1/orders, 64 at a time.
            var processes = ProcessNames(silos, frontends, gateway);
            Console.WriteLine($"  placing: {customers:N0} orders, {concurrency} POST /api/v1/orders at a time, not paid…");
            // PostgreSQL's counters around the placements alone: quiet before and after, so every backend has reported.
            var settle = arguments.Smoke ? TimeSpan.Zero : DatabaseActivity.Settle;
            await using var statistics = NpgsqlDataSource.Create(database);
            await Task.Delay(settle);
            var placeDatabaseBefore = await DatabaseActivity.SnapshotAsync(statistics);
            var placeCpuBefore = ProcessCpu.Snapshot(processes);
            var placing = await PlaceLoadAsync(client, "bench-place", customers, concurrency);
            var placeCpu = ProcessCpu.Snapshot(processes);
            await Task.Delay(settle);
            var placeDatabase = await DatabaseActivity.SnapshotAsync(statistics);

            var statsBefore = await gateway.StatsAsync(http);
            var loadBefore = ResultsFile.LoadAverage();
            Console.WriteLine($"  measuring: {customers:N0} checkouts, {concurrency} customers at a time, polling every {PollInterval.TotalMilliseconds:0} ms, "
                + $"deadline {OrderDeadline.TotalSeconds:0} s per order…");
            var checkoutCpuBefore = ProcessCpu.Snapshot(processes);
            var load = await RunLoadAsync(client, "bench-cus", customers, concurrency);
            var checkoutCpu = ProcessCpu.Snapshot(processes);
            var loadAfter = ResultsFile.LoadAverage();
            var ipnLog = await SettledIpnLogAsync(gateway, http, load);
            var statsAfter = await gateway.StatsAsync(http);
            var membership = await MembershipCheck.ReadAsync(database);

            var report = Report.Of(load, statsBefore, statsAfter, ipnLog, warmup);
            var placement = PlacementReport.Of(placing);
            await using var dataSource = NpgsqlDataSource.Create(database);
            var books = await ReadBooksAsync(dataSource);
            var logs = CountLogLevels(runDirectory);
            Print(report, books, logs, customers, concurrency, frontendCount);
            var (cpu, placementDatabase) = PrintPlacement(placement, placeCpu, placeCpuBefore, placeDatabase, placeDatabaseBefore, checkoutCpu, checkoutCpuBefore, report);
            Console.WriteLine($"  load average (1/5/15 min) before / after the measured run: {loadBefore} / {loadAfter}");
            await WriteResultsAsync(arguments, dataSource, report, books, logs, customers, concurrency, frontendCount, warmupCustomers,
                loadBefore, loadAfter, membership, placement, cpu, placementDatabase);
            if (!membership.Passed)
            {
                Console.WriteLine($"  FAILED: {string.Join(", ", membership.FalselyDead)} declared dead without being killed");
            }

            Console.WriteLine($"checkout: created_per_s={Fixed(placement.CreatedPerSecond, 1)} create_p99_ms={Fixed(placement.Latency.P99, 1)} "
                + $"paid_per_s={Fixed(report.PaidPerSecond, 1)} p99_ms={Fixed(report.Total.P99, 1)} lost={report.Lost + placement.Failed}");
            return report.Lost + placement.Failed == 0 && membership.Passed ? 0 : 1;
        }
        finally
        {
            foreach (var frontend in frontends)
            {
                await frontend.TerminateAsync(TimeSpan.FromSeconds(15));
                await frontend.DisposeAsync();
            }

            await SiloProcesses.StopAsync(silos);
            await gateway.TerminateAsync(TimeSpan.FromSeconds(10));
            await gateway.DisposeAsync();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The load
    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// <paramref name="count"/> customers, <paramref name="concurrency"/> at a time, each checking out once; with
    /// <paramref name="duration"/>, no new one starts after it.
    /// </summary>
    internal static async Task<Load> RunLoadAsync(CheckoutClient client, string customerPrefix, int count, int concurrency, TimeSpan? duration = null)
    {
        var (results, elapsed) = await RunConcurrentlyAsync(count, concurrency, duration, index =>
        {
            var customer = Customer(customerPrefix, index);
            return client.CheckOutAsync(index, customer, CustomerToken(customer));
        });
        return new Load(results, elapsed);
    }

    /// <summary>
    /// <paramref name="count"/> customers, <paramref name="concurrency"/> at a time, each placing one order and no more;
    /// with <paramref name="duration"/>, no new one starts after it.
    /// </summary>
    private static async Task<PlacementLoad> PlaceLoadAsync(CheckoutClient client, string customerPrefix, int count, int concurrency, TimeSpan? duration = null)
    {
        var (results, elapsed) = await RunConcurrentlyAsync(count, concurrency, duration,
            index => client.PlaceOnlyAsync(index, CustomerToken(Customer(customerPrefix, index))));
        return new PlacementLoad(results, elapsed);
    }

    /// <summary>
    /// Runs <paramref name="iteration"/> for 0, 1, 2… below <paramref name="count"/>, <paramref name="concurrency"/> at a
    /// time; with <paramref name="duration"/>, none starts after it. The results of those that ran, in order.
    /// </summary>
    private static async Task<(T[] Results, TimeSpan Elapsed)> RunConcurrentlyAsync<T>(int count, int concurrency, TimeSpan? duration, Func<int, Task<T>> iteration)
    {
        var results = new T[count];
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, count)).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((duration is null || clock.Elapsed < duration) && (index = Interlocked.Increment(ref next)) < count)
            {
                results[index] = await iteration(index);
            }
        })));
        clock.Stop();
        return (results[..Math.Min(next + 1, count)], clock.Elapsed);
    }

    private static string Customer(string prefix, int index) => $"{prefix}-{index.ToString("D5", CultureInfo.InvariantCulture)}";

    private static Dictionary<int, string> ProcessNames(List<SiloProcess> silos, List<WebFrontendProcess> frontends, PaymentGatewayProcess gateway)
    {
        var names = new Dictionary<int, string> { [gateway.ProcessId] = "gateway simulator" };
        silos.Select((silo, i) => (silo, i)).ToList().ForEach(s => names[s.silo.ProcessId] = $"silo-{s.i + 1}");
        frontends.Select((frontend, i) => (frontend, i)).ToList().ForEach(f => names[f.frontend.ProcessId] = $"web-frontend-{f.i + 1}");
        return names;
    }

    /// <summary>
    /// The simulator's IPN log once it has an entry for every paid order's payment. An attempt is logged when the
    /// merchant's answer arrives, which can be after the order already shows PAID: read at once, the last few would
    /// be missing. Waits at most 10 s.
    /// </summary>
    private static async Task<JsonArray> SettledIpnLogAsync(PaymentGatewayProcess gateway, HttpClient http, Load load)
    {
        var paid = load.Results.Where(r => r.Paid).Select(r => r.PaymentId!).ToHashSet(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var log = await gateway.IpnLogAsync(http);
            var logged = log.OfType<JsonObject>().Select(a => a["txn_ref"]?.GetValue<string>()).Where(t => t is not null && paid.Contains(t)).Distinct().Count();
            if (logged >= paid.Count || clock.Elapsed > TimeSpan.FromSeconds(10))
            {
                return log;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Setup
    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// A customer's access token, signed with the front ends' key: the benchmark wants N distinct customers, and the
    /// front ends (Production) serve no development tokens.
    /// </summary>
    internal static string CustomerToken(string customerId) => BenchmarkTokens.Sign(SigningKey, customerId, "customer", $"Customer {customerId}");

    internal static async Task<List<string>> SeedProductsAsync(HttpClient http, Uri frontend, string adminToken, int stockEach)
    {
        var ids = new List<string>();
        for (var i = 1; i <= Products; i++)
        {
            var id = $"bench-checkout-{i}";
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(frontend, "/api/v1/products"))
            {
                Content = JsonContent.Create(new JsonObject { ["id"] = id, ["name"] = $"Checkout benchmark product {i}", ["price"] = Price, ["stock"] = stockEach }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
            using var response = await http.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"POST /api/v1/products answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }

            ids.Add(id);
        }

        Console.WriteLine($"  seeded {Products} products × {stockEach:N0} units at {Price:N0} VND");
        return ids;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // What happened: the client's view, the simulator's, the database's and the processes' logs
    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>Orders, payments and payment reports of the measured customers as PostgreSQL holds them after the run.</summary>
    private static async Task<JsonObject> ReadBooksAsync(NpgsqlDataSource dataSource)
    {
        var books = new JsonObject();
        try
        {
            books["orders_by_status"] = await CountsAsync(dataSource, "SELECT status, count(*) FROM orders WHERE customer_id LIKE 'bench-cus-%' GROUP BY status ORDER BY status");
            books["payments_by_status"] = await CountsAsync(dataSource, """
                SELECT p.status || CASE WHEN p.order_confirmed THEN ' (order confirmed)' ELSE ' (order not confirmed)' END, count(*)
                FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.customer_id LIKE 'bench-cus-%' GROUP BY 1 ORDER BY 1
                """);
            books["payment_reports_by_source"] = await CountsAsync(dataSource, """
                SELECT e.source, count(*) FROM payment_events e JOIN payments p ON p.id = e.payment_id JOIN orders o ON o.id = p.order_id
                WHERE o.customer_id LIKE 'bench-cus-%' GROUP BY 1 ORDER BY 1
                """);
        }
        catch (PostgresException exception)
        {
            // The commerce schema is not the benchmark's: if it changed, say so rather than fail the run.
            books["error"] = exception.MessageText;
        }

        return books;
    }

    private static async Task<JsonObject> CountsAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new JsonObject();
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    /// <summary>
    /// Warning and error entries in each process's log: the silos and the simulator log JSON with a "LogLevel" field,
    /// the front ends the plain console format ("warn: ", "fail: ").
    /// </summary>
    private static JsonObject CountLogLevels(string runDirectory)
    {
        var counts = new JsonObject();
        foreach (var path in Directory.EnumerateFiles(runDirectory, "*.log").Order(StringComparer.Ordinal))
        {
            long warnings = 0, errors = 0;
            foreach (var line in File.ReadLines(path))
            {
                if (line.Contains("\"LogLevel\":\"Warning\"", StringComparison.Ordinal) || line.StartsWith("warn: ", StringComparison.Ordinal))
                {
                    warnings++;
                }
                else if (line.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal) || line.Contains("\"LogLevel\":\"Critical\"", StringComparison.Ordinal)
                         || line.StartsWith("fail: ", StringComparison.Ordinal) || line.StartsWith("crit: ", StringComparison.Ordinal))
                {
                    errors++;
                }
            }

            counts[Path.GetFileNameWithoutExtension(path)] = new JsonObject { ["warnings"] = warnings, ["errors"] = errors };
        }

        return counts;
    }

    private static void Print(Report report, JsonObject books, JsonObject logs, int customers, int concurrency, int frontends)
    {
        Console.WriteLine();
        Console.WriteLine($"| {"measure",-44} | {"value",16} |");
        Console.WriteLine($"|{new string('-', 46)}|{new string('-', 18)}|");
        Row("customers (orders attempted)", $"{customers:N0}");
        Row("customers at a time / front ends / silos", $"{concurrency} / {frontends} / {Silos}");
        Row("orders created (201)", $"{report.Created:N0}");
        Row("orders PAID within the deadline", $"{report.Paid:N0}");
        Row("lost (created, not PAID + failed creates)", $"{report.Lost:N0}");
        Row("wall time (s)", Fixed(report.Elapsed.TotalSeconds, 1));
        Row("orders PAID per second", Fixed(report.PaidPerSecond, 1));
        Row("create → PAID p50 / p90 (ms)", $"{Fixed(report.Total.P50, 1)} / {Fixed(report.Total.P90, 1)}");
        Row("create → PAID p99 / max (ms)", $"{Fixed(report.Total.P99, 1)} / {Fixed(report.Total.Max, 1)}");
        Row("  POST /orders p50 / p99 (ms)", $"{Fixed(report.Create.P50, 1)} / {Fixed(report.Create.P99, 1)}");
        Row("  GET pay_url p50 / p99 (ms)", $"{Fixed(report.PayPage.P50, 1)} / {Fixed(report.PayPage.P99, 1)}");
        Row("  complete on simulator p50 / p99 (ms)", $"{Fixed(report.Complete.P50, 1)} / {Fixed(report.Complete.P99, 1)}");
        Row("  completed → IPN answered p50 / p99 (ms)", $"{Fixed(report.IpnAnswered.P50, 1)} / {Fixed(report.IpnAnswered.P99, 1)}");
        Row("  completed → seen PAID p50 / p99 (ms)", $"{Fixed(report.WaitPaid.P50, 1)} / {Fixed(report.WaitPaid.P99, 1)}");
        Row("order polls per paid order (mean)", Fixed(report.MeanPolls, 1));
        Row("IPN attempts (first tries + retries)", $"{report.IpnAttempts:N0}");
        Row("IPN attempts not confirmed by the merchant", $"{report.IpnNotConfirmed:N0}");
        Row("querydr calls to the simulator", $"{report.QueryRequests:N0}");
        Console.WriteLine();
        Console.WriteLine($"  database: {books.ToJsonString()}");
        Console.WriteLine($"  warnings/errors in process logs: {string.Join(", ", logs.Select(p => $"{p.Key} {p.Value!["warnings"]}/{p.Value["errors"]}"))}");
        foreach (var (stage, count) in report.FailuresByStage)
        {
            Console.WriteLine($"  failed at {stage}: {count}");
        }

        foreach (var failure in report.FirstFailures)
        {
            Console.WriteLine($"  e.g. {failure}");
        }

        foreach (var (what, count) in report.IpnNotConfirmedKinds)
        {
            Console.WriteLine($"  IPN attempt not confirmed: {what} × {count}");
        }
    }

    /// <summary>
    /// The placement phase's table with its CPU and PostgreSQL work per order, and CPU per paid order in the checkout
    /// phase; returns the CPU of both phases and the placement's database work as JSON.
    /// </summary>
    private static (JsonObject Cpu, JsonObject PlacementDatabase) PrintPlacement(
        PlacementReport placement, ProcessCpu placeCpu, ProcessCpu placeCpuBefore, DatabaseActivity placeDatabase, DatabaseActivity placeDatabaseBefore,
        ProcessCpu checkoutCpu, ProcessCpu checkoutCpuBefore, Report report)
    {
        Console.WriteLine();
        Console.WriteLine($"| {"placement only (POST /orders, not paid)",-44} | {"value",16} |");
        Console.WriteLine($"|{new string('-', 46)}|{new string('-', 18)}|");
        Row("orders created (201) / failed", $"{placement.Created:N0} / {placement.Failed:N0}");
        Row("orders created per second", Fixed(placement.CreatedPerSecond, 1));
        Row("POST /orders p50 / p90 (ms)", $"{Fixed(placement.Latency.P50, 1)} / {Fixed(placement.Latency.P90, 1)}");
        Row("POST /orders p99 / max (ms)", $"{Fixed(placement.Latency.P99, 1)} / {Fixed(placement.Latency.Max, 1)}");
        Row("CPU per order created (share of the cores)", "");
        var placing = placeCpu.PerUnit(placeCpuBefore, placement.Created, placement.Elapsed, Row);
        Row("PostgreSQL per order created", "");
        var database = placeDatabase.PerUnit(placeDatabaseBefore, placement.Created, Row);
        Console.WriteLine();
        Console.WriteLine($"| {"checkout: CPU per order paid (share)",-44} | {"value",16} |");
        Console.WriteLine($"|{new string('-', 46)}|{new string('-', 18)}|");
        var checkingOut = checkoutCpu.PerUnit(checkoutCpuBefore, report.Paid, report.Elapsed, Row);
        foreach (var failure in placement.FirstFailures)
        {
            Console.WriteLine($"  placement e.g. {failure}");
        }

        return (new JsonObject
        {
            ["what"] = "CPU seconds of each process over a phase (from /proc), ms per order created (placement) or paid (checkout), and its share of the machine's cores",
            ["placement"] = placing,
            ["checkout"] = checkingOut,
        }, database);
    }

    private static void Row(string measure, string value) => Console.WriteLine($"| {measure,-44} | {value,16} |");

    private static async Task WriteResultsAsync(
        BenchmarkArguments arguments, NpgsqlDataSource dataSource, Report report, JsonObject books, JsonObject logs,
        int customers, int concurrency, int frontends, int warmupCustomers, string loadBefore, string loadAfter, MembershipCheck membership,
        PlacementReport placement, JsonObject cpu, JsonObject placementDatabase)
    {
        await using var version = dataSource.CreateCommand("SHOW server_version");
        var postgres = (string)(await version.ExecuteScalarAsync())!;
        static JsonObject Latency(Percentiles p) => new()
        {
            ["p50_ms"] = Math.Round(p.P50, 2), ["p90_ms"] = Math.Round(p.P90, 2), ["p99_ms"] = Math.Round(p.P99, 2), ["max_ms"] = Math.Round(p.Max, 2), ["samples"] = p.Count,
        };
        var document = new JsonObject
        {
            ["benchmark"] = "checkout",
            ["recorded_at"] = DateTimeOffset.UtcNow.ToString("O"),
            ["mode"] = arguments.Smoke ? "smoke (tiny data)" : "full",
            ["machine"] = new JsonObject
            {
                ["cores"] = Environment.ProcessorCount,
                ["os"] = Environment.OSVersion.ToString(),
                // Everything shares two cores: other work on the machine shows in the numbers, so it is recorded.
                ["load_average_before"] = loadBefore,
                ["load_average_after"] = loadAfter,
            },
            ["postgres"] = postgres,
            ["setup"] = $"{Silos} silo processes, {frontends} HTTP front end(s) (cluster-client mode, Production) and the VNPay gateway simulator as "
                + "processes (Release under bench/run.sh) on a private PostgreSQL (fsync on), all on this machine; IPNs go to the first front end; customers spread over the front ends; "
                + "default payment poll interval (5 min), so PAID comes from the IPN",
            ["customers"] = customers,
            ["concurrency"] = concurrency,
            ["silos"] = Silos,
            ["frontends"] = frontends,
            ["products"] = Products,
            ["price"] = Price,
            ["warmup_customers"] = warmupCustomers,
            ["warmup_placement_seconds"] = arguments.Smoke ? 0 : WarmupDuration.TotalSeconds,
            ["poll_interval_ms"] = PollInterval.TotalMilliseconds,
            ["order_deadline_seconds"] = OrderDeadline.TotalSeconds,
            ["ipn_retry_interval_seconds"] = IpnRetryInterval.TotalSeconds,
            ["flow"] = "POST /api/v1/orders (Idempotency-Key) → GET payment.pay_url on the simulator → POST /_sim/transactions/{payment.id}/complete "
                + "{\"outcome\":\"success\"} → GET /api/v1/orders/{id} every 20 ms (customer token) until PAID; latency is from sending the POST to the first PAID answer",
            ["placement"] = new JsonObject
            {
                ["flow"] = $"{customers} other customers, {concurrency} at a time, each only POST /api/v1/orders (Idempotency-Key); not paid",
                ["created"] = placement.Created,
                ["failed"] = placement.Failed,
                ["failure_examples"] = new JsonArray([.. placement.FirstFailures.Select(f => JsonValue.Create(f))]),
                ["wall_seconds"] = Math.Round(placement.Elapsed.TotalSeconds, 2),
                ["created_per_s"] = Math.Round(placement.CreatedPerSecond, 1),
                ["post_order"] = Latency(placement.Latency),
                ["postgres_per_order"] = placementDatabase,
            },
            ["cpu"] = cpu,
            ["created"] = report.Created,
            ["paid"] = report.Paid,
            ["lost"] = report.Lost,
            ["failed_creates"] = report.FailedCreates,
            ["failures_by_stage"] = new JsonObject([.. report.FailuresByStage.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))]),
            ["failure_examples"] = new JsonArray([.. report.FirstFailures.Select(f => JsonValue.Create(f))]),
            ["wall_seconds"] = Math.Round(report.Elapsed.TotalSeconds, 2),
            ["paid_per_s"] = Math.Round(report.PaidPerSecond, 1),
            ["created_per_s"] = Math.Round(report.Created / report.Elapsed.TotalSeconds, 1),
            ["create_to_paid"] = Latency(report.Total),
            ["steps"] = new JsonObject
            {
                ["post_order"] = Latency(report.Create),
                ["get_pay_url"] = Latency(report.PayPage),
                ["complete_on_simulator"] = Latency(report.Complete),
                ["completed_to_ipn_answered"] = Latency(report.IpnAnswered),
                ["completed_to_seen_paid"] = Latency(report.WaitPaid),
            },
            ["mean_polls_per_paid_order"] = Math.Round(report.MeanPolls, 2),
            ["gateway"] = new JsonObject
            {
                ["ipn_attempts"] = report.IpnAttempts,
                ["ipn_attempts_not_confirmed"] = report.IpnNotConfirmed,
                ["ipn_not_confirmed_kinds"] = new JsonObject([.. report.IpnNotConfirmedKinds.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))]),
                ["querydr_requests"] = report.QueryRequests,
            },
            ["database"] = books,
            ["membership"] = membership.ToJson(),
            ["process_log_warnings_errors"] = logs,
            ["warmup"] = new JsonObject
            {
                ["paid"] = report.Warmup.Results.Count(r => r.Paid),
                ["of"] = report.Warmup.Results.Length,
                ["seconds"] = Math.Round(report.Warmup.Elapsed.TotalSeconds, 1),
            },
        };
        await ResultsFile.WriteAsync(arguments, "checkout", document);
    }

    internal static double Ms(long since) => Stopwatch.GetElapsedTime(since).TotalMilliseconds;

    private static string Fixed(double value, int decimals) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    internal static string Short(string text) => text.Length <= 300 ? text : text[..300] + "…";

    internal sealed record Load(Checkout[] Results, TimeSpan Elapsed);

    private sealed record PlacementLoad(Placement[] Results, TimeSpan Elapsed);

    private sealed record PlacementReport(int Created, int Failed, TimeSpan Elapsed, double CreatedPerSecond, Percentiles Latency, IReadOnlyList<string> FirstFailures)
    {
        public static PlacementReport Of(PlacementLoad load)
        {
            var created = load.Results.Count(r => r.Created);
            return new PlacementReport(created, load.Results.Length - created, load.Elapsed, created / load.Elapsed.TotalSeconds,
                Percentiles.Of(load.Results.Where(r => r.Created).Select(r => r.Ms)), [.. load.Results.Where(r => !r.Created).Take(5).Select(r => r.Error!)]);
        }
    }

    private sealed record Report(
        Load Load, Load Warmup, int Created, int Paid, int Lost, int FailedCreates, TimeSpan Elapsed, double PaidPerSecond,
        Percentiles Total, Percentiles Create, Percentiles PayPage, Percentiles Complete, Percentiles IpnAnswered, Percentiles WaitPaid, double MeanPolls,
        long IpnAttempts, long IpnNotConfirmed, IReadOnlyList<KeyValuePair<string, int>> IpnNotConfirmedKinds, long QueryRequests,
        IReadOnlyList<KeyValuePair<string, int>> FailuresByStage, IReadOnlyList<string> FirstFailures)
    {
        public static Report Of(Load load, JsonObject statsBefore, JsonObject statsAfter, JsonArray ipnLog, Load warmup)
        {
            var results = load.Results;
            var created = results.Count(r => r.OrderId is not null);
            var paid = results.Count(r => r.Paid);
            var failedCreates = results.Length - created;

            // Created but never PAID, plus placements that failed: every customer who did not end with a paid order.
            var lost = results.Length - paid;
            // The IPN log names payments (txn_ref); the warm-up's are in it too and are left out.
            var measuredPayments = results.Where(r => r.PaymentId is not null).Select(r => r.PaymentId!).ToHashSet(StringComparer.Ordinal);
            var measuredAttempts = ipnLog.OfType<JsonObject>().Where(a => a["txn_ref"]?.GetValue<string>() is { } txnRef && measuredPayments.Contains(txnRef)).ToList();
            var notConfirmed = measuredAttempts.Where(a => a["outcome"]?.GetValue<string>() != "confirmed").ToList();
            var kinds = notConfirmed
                .GroupBy(a => $"{a["outcome"]} (HTTP {a["http_status"]?.ToString() ?? "–"}, RspCode {a["rsp_code"]?.ToString() ?? "–"}, {a["error"]?.ToString() ?? "no error"})")
                .Select(g => KeyValuePair.Create(g.Key, g.Count())).OrderByDescending(p => p.Value).ToList();
            var failures = results.Where(r => !r.Paid).ToList();

            // When the merchant's answer to the first confirmed IPN reached the simulator: by then the order is PAID in
            // PostgreSQL (the IPN endpoint answers after the payment has told the order). Same machine, same clock.
            var ipnAnswered = measuredAttempts.Where(a => a["outcome"]?.GetValue<string>() == "confirmed")
                .GroupBy(a => a["txn_ref"]!.GetValue<string>(), StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Min(a => DateTimeOffset.Parse(a["at"]!.GetValue<string>(), CultureInfo.InvariantCulture)), StringComparer.Ordinal);
            return new Report(
                load, warmup, created, paid, lost, failedCreates, load.Elapsed, paid / load.Elapsed.TotalSeconds,
                Percentiles.Of(results.Where(r => r.Paid).Select(r => r.TotalMs!.Value)),
                Percentiles.Of(results.Where(r => r.CreateMs is not null && r.OrderId is not null).Select(r => r.CreateMs!.Value)),
                Percentiles.Of(results.Where(r => r.PayPageMs is not null).Select(r => r.PayPageMs!.Value)),
                Percentiles.Of(results.Where(r => r.CompleteMs is not null).Select(r => r.CompleteMs!.Value)),
                Percentiles.Of(results.Where(r => r.Paid && r.CompletedAt is not null && ipnAnswered.ContainsKey(r.PaymentId!))
                    .Select(r => (ipnAnswered[r.PaymentId!] - r.CompletedAt!.Value).TotalMilliseconds)),
                Percentiles.Of(results.Where(r => r.Paid).Select(r => r.WaitPaidMs!.Value)),
                paid == 0 ? 0 : results.Where(r => r.Paid).Average(r => r.Polls),
                measuredAttempts.Count,
                notConfirmed.Count,
                kinds,
                statsAfter["query_requests"]!.GetValue<long>() - statsBefore["query_requests"]!.GetValue<long>(),
                [.. failures.GroupBy(f => f.FailedStage!).Select(g => KeyValuePair.Create(g.Key, g.Count())).OrderByDescending(p => p.Value)],
                [.. failures.Take(5).Select(f => $"{f.Customer} order {f.OrderId ?? "–"}: {f.FailedStage}: {f.Error}")]);
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
    }
}
