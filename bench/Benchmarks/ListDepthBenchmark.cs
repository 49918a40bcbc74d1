using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Commerce.Testing;
using Npgsql;

namespace Benchmarks;

/// <summary>
/// Keyset pagination at depth, end to end: 1,000,000 orders of 10,000 customers bulk-loaded into the commerce tables
/// of a private PostgreSQL, one silo process, the HTTP front end as a process in cluster-client mode. A staff user
/// walks GET /api/v1/orders?limit=20 by next_cursor to page 5,000 (checking that no order comes twice and that the
/// order is strictly newest first), then page 1 and page 5,000 are timed interleaved from one client. The deep page
/// should cost about what the first does (target: p50 ratio ≤ 2); the equivalent OFFSET query, timed in SQL, shows
/// what the keyset avoids. <c>--smoke</c>: 3,000 orders, page 50, a few samples, the same walk and checks (the ratio
/// is reported, not enforced).
/// </summary>
public static class ListDepthBenchmark
{
    private const int PageSize = 20;
    private const double TargetRatio = 2.0;

    /// <summary>
    /// Orders share a created_at in threes, so page boundaries fall inside ties and the id tie-break is exercised; the
    /// timestamps have microseconds, so the cursor must carry them exactly.
    /// </summary>
    private const int OrdersPerTimestamp = 3;
    private const int SecondsBetweenTimestamps = 94; // 333,334 timestamps × 94 s ≈ 363 days

    private const string SigningKey = "list-depth-benchmark-signing-key-0123456789";

    // The statement PostgresOrderQueries issues for an unfiltered list, first page and after a cursor, and its OFFSET twin.
    private const string ListSelect = """
        SELECT o.id, o.customer_id, c.name, o.status, o.total, o.item_count, o.created_at
        FROM orders o JOIN customers c ON c.id = o.customer_id
        """;
    private const string FirstPageSql = ListSelect + " ORDER BY o.created_at DESC, o.id DESC LIMIT $1";
    private const string KeysetPageSql = ListSelect + " WHERE (o.created_at, o.id) < ($1, $2) ORDER BY o.created_at DESC, o.id DESC LIMIT $3";
    private const string OffsetPageSql = ListSelect + " ORDER BY o.created_at DESC, o.id DESC OFFSET $1 LIMIT $2";

    public static async Task<int> RunAsync(BenchmarkArguments arguments)
    {
        var scale = arguments.Smoke ? Scale.SmokeRun : Scale.Full;
        var runDirectory = Path.Combine(Path.GetTempPath(), $"list-depth-{Environment.ProcessId}");
        var loadBefore = ResultsFile.LoadAverage();
        Console.WriteLine($"list-depth{(arguments.Smoke ? " --smoke" : "")}: {scale.Orders:N0} orders of {scale.Customers:N0} customers, pages of {PageSize}, "
            + $"page 1 vs page {scale.DeepPage:N0} through HTTP; {Environment.ProcessorCount} cores, load average {loadBefore}; logs in {runDirectory}");
        await using var server = await PostgresServer.StartAsync();
        var database = await server.CreateDatabaseAsync("listdepth");
        var silos = await SiloProcesses.StartAsync(1, database, runDirectory);
        WebFrontendProcess? frontend = null;
        try
        {
            var bulk = new NpgsqlConnectionStringBuilder(database) { CommandTimeout = 600 };
            await using var dataSource = NpgsqlDataSource.Create(bulk.ConnectionString);
            var load = await LoadAsync(dataSource, scale);

            frontend = WebFrontendProcess.Start(database, SigningKey, runDirectory);
            using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
            {
                BaseAddress = frontend.BaseAddress,
                Timeout = TimeSpan.FromSeconds(60),
            };
            await frontend.WaitUntilReadyAsync(http, TimeSpan.FromMinutes(2));
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", BenchmarkTokens.Sign(SigningKey, "staff", "staff"));
            Console.WriteLine($"  front end ready at {frontend.BaseAddress} (pid {frontend.ProcessId}); walking {scale.DeepPage:N0} pages…");

            var walk = await WalkAsync(http, scale);
            Console.WriteLine($"  walk: {walk.Pages:N0} pages, {walk.Orders:N0} orders in {walk.Elapsed.TotalSeconds:0.0} s; duplicates {walk.Duplicates}, out of order {walk.Misordered}");
            var offsetIds = await PageIdsByOffsetAsync(dataSource, (scale.DeepPage - 1) * PageSize);
            var deepMatchesOffset = offsetIds.SequenceEqual(walk.DeepPageIds, StringComparer.Ordinal);

            Console.WriteLine($"  timing page 1 and page {scale.DeepPage:N0}: {scale.WarmupSamples} warm-up + {scale.Samples} samples each, interleaved, one client…");
            var firstUrl = $"/api/v1/orders?limit={PageSize}";
            var deepUrl = $"/api/v1/orders?limit={PageSize}&cursor={Uri.EscapeDataString(walk.DeepCursor)}";
            var (first, deep, wrongAnswers) = await MeasureInterleavedAsync(http, scale, firstUrl, walk.FirstPageIds[0], deepUrl, walk.DeepPageIds[0]);

            var sql = await MeasureSqlAsync(dataSource, scale, walk.AfterDeepPageBefore);
            var ratioP50 = Math.Round(deep.P50 / first.P50, 2);
            var ratioP95 = Math.Round(deep.P95 / first.P95, 2);
            var membership = await MembershipCheck.ReadAsync(database);
            var correct = walk.Pages == scale.DeepPage && walk.Duplicates == 0 && walk.Misordered == 0 && deepMatchesOffset && wrongAnswers == 0 && membership.Passed;

            Console.WriteLine();
            Console.WriteLine($"| {"measure",-52} | {"page 1",10} | {$"page {scale.DeepPage:N0}",10} |");
            Console.WriteLine($"|{new string('-', 54)}|{new string('-', 12)}|{new string('-', 12)}|");
            Row("HTTP GET /api/v1/orders?limit=20 p50 (ms)", first.P50, deep.P50);
            Row("HTTP GET /api/v1/orders?limit=20 p95 (ms)", first.P95, deep.P95);
            Row("HTTP GET /api/v1/orders?limit=20 p99 (ms)", first.P99, deep.P99);
            Row("SQL keyset (PostgresOrderQueries' statement) p50 ms", sql.KeysetFirstP50, sql.KeysetDeepP50);
            Row($"SQL OFFSET {(scale.DeepPage - 1) * PageSize:N0} LIMIT {PageSize}, same join, p50 ms", null, sql.OffsetP50);
            Console.WriteLine();
            Console.WriteLine($"| {"measure",-52} | {"value",23} |");
            Console.WriteLine($"|{new string('-', 54)}|{new string('-', 25)}|");
            Fact("p50 ratio deep / first", ratioP50.ToString("0.00", CultureInfo.InvariantCulture));
            Fact("p95 ratio deep / first", ratioP95.ToString("0.00", CultureInfo.InvariantCulture));
            Fact("OFFSET p50 / keyset deep p50 (SQL)", (sql.OffsetP50 / sql.KeysetDeepP50).ToString("0", CultureInfo.InvariantCulture) + "×");
            Fact("bulk load incl. VACUUM ANALYZE (s)", load.Total.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture));
            Fact($"walk to page {scale.DeepPage:N0} (s)", walk.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture));
            Fact("duplicate / out-of-order orders in the walk", $"{walk.Duplicates} / {walk.Misordered}");
            Fact($"page {scale.DeepPage:N0} by cursor = page {scale.DeepPage:N0} by OFFSET", deepMatchesOffset ? "yes" : "NO");
            Fact("timed answers with a wrong first order", wrongAnswers.ToString(CultureInfo.InvariantCulture));
            Console.WriteLine();
            Console.WriteLine($"  plan of page {scale.DeepPage:N0} (EXPLAIN ANALYZE of the keyset statement, custom plan):");
            foreach (var line in sql.DeepPlan)
            {
                Console.WriteLine($"    {line}");
            }

            // The front end auto-prepares its statements, so PostgreSQL may switch it to the generic plan.
            Console.WriteLine($"  generic (prepared) plan of page {scale.DeepPage:N0}: "
                + string.Join("; ", sql.DeepGenericPlan.Where(l => l.Contains("Scan", StringComparison.Ordinal) || l.StartsWith("Execution Time", StringComparison.Ordinal)).Select(l => l.Trim().Replace("->  ", "", StringComparison.Ordinal))));

            var document = ResultsFile.Header("list-depth", arguments, loadBefore);
            await AddResultsAsync(document, dataSource, scale, load, walk, deepMatchesOffset, first, deep, wrongAnswers, ratioP50, ratioP95, sql);
            document["membership"] = membership.ToJson();
            await ResultsFile.WriteAsync(arguments, "list-depth", document);
            if (!correct)
            {
                Console.WriteLine("  the walk, the timed pages or the membership table were not correct: see above");
            }

            var targetMet = ratioP50 <= TargetRatio;
            if (!targetMet)
            {
                Console.WriteLine($"  ratio {ratioP50.ToString("0.00", CultureInfo.InvariantCulture)} above the target {TargetRatio}{(arguments.Smoke ? " (not enforced in --smoke)" : "")}");
            }

            Console.WriteLine($"list-depth: ratio_deep_vs_first={ratioP50.ToString("0.00", CultureInfo.InvariantCulture)}");
            return correct && (targetMet || arguments.Smoke) ? 0 : 1;
        }
        finally
        {
            if (frontend is not null)
            {
                await frontend.TerminateAsync(TimeSpan.FromSeconds(15));
                await frontend.DisposeAsync();
            }

            await SiloProcesses.StopAsync(silos);
        }
    }

    private static void Row(string measure, double? first, double deep)
        => Console.WriteLine($"| {measure,-52} | {(first is { } f ? f.ToString("0.000", CultureInfo.InvariantCulture) : "–"),10} | {deep.ToString("0.000", CultureInfo.InvariantCulture),10} |");

    private static void Fact(string measure, string value) => Console.WriteLine($"| {measure,-52} | {value,23} |");

    // ---------------------------------------------------------------------------------------------------------------
    // Bulk load: set-based SQL. Every value is a deterministic function of the order's number i (1 = oldest), so the
    // orders and their items agree (item_count, subtotal = Σ line_total, total = subtotal − discount) without a
    // round trip per row. h(x, salt) is a non-negative pseudo-random int.
    // ---------------------------------------------------------------------------------------------------------------

    private static string H(string x, int salt) => $"(hashint8(({x}) * 16 + {salt}) & 2147483647)";

    private const string OrderId = "'ord_bench_' || lpad(i::text, 7, '0')";

    private static readonly string ItemCount = $"(1 + {H("i", 0)} % 3)";
    private static readonly string Quantity = $"(1 + {H("i * 4 + line", 3)} % 3)";
    private static readonly string UnitPrice = $"(1000::bigint * (10 + {H("i * 4 + line", 5)} % 990))";
    private static readonly string Product = $"({H("i * 4 + line", 4)} % 500)";

    private static async Task<LoadTimes> LoadAsync(NpgsqlDataSource dataSource, Scale scale)
    {
        Console.WriteLine($"  bulk-loading {scale.Customers:N0} customers and {scale.Orders:N0} orders with their items (set-based SQL)…");
        var start = DateTimeOffset.UtcNow.AddSeconds(-(double)((scale.Orders - 1) / OrdersPerTimestamp) * SecondsBetweenTimestamps - 60);
        start = new DateTimeOffset(start.Ticks - (start.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

        var total = Stopwatch.StartNew();
        var customers = await TimedAsync(dataSource, """
            INSERT INTO customers (id, name, created_at)
            SELECT 'cus_' || lpad(c::text, 5, '0'), 'Customer ' || c, $1::timestamptz - interval '30 days' + c * interval '1 minute'
            FROM generate_series(1, $2) AS c
            """, start, scale.Customers);

        var orders = await TimedAsync(dataSource, $"""
            INSERT INTO orders (id, customer_id, status, subtotal, discount, total, currency, coupon_code, item_count,
                                created_at, expires_at, updated_at, version, etag)
            SELECT o.id, o.customer_id, s.status, t.subtotal, t.subtotal * o.discount_percent / 100,
                   t.subtotal - t.subtotal * o.discount_percent / 100, 'VND', CASE WHEN o.discount_percent > 0 THEN 'SAVE10' END,
                   o.item_count, o.created_at, o.created_at + interval '15 minutes', o.created_at + s.updated_after,
                   s.version, s.version
            FROM (
                SELECT i, {OrderId} AS id,
                       'cus_' || lpad((1 + {H("i", 1)} % {scale.Customers})::text, 5, '0') AS customer_id,
                       CASE WHEN i > $1 - 30 THEN -1 ELSE {H("i", 2)} % 100 END AS roll,
                       CASE WHEN {H("i", 6)} % 10 = 0 THEN 10 ELSE 0 END AS discount_percent,
                       {ItemCount} AS item_count,
                       $2::timestamptz + ((i - 1) / {OrdersPerTimestamp}) * interval '{SecondsBetweenTimestamps} seconds'
                           + ({H($"(i - 1) / {OrdersPerTimestamp}", 7)} % 1000000) * interval '1 microsecond' AS created_at
                FROM generate_series(1::bigint, $1) AS i
            ) o
            CROSS JOIN LATERAL (
                SELECT CASE WHEN o.roll < 0 THEN 'PENDING_PAYMENT' WHEN o.roll < 55 THEN 'FULFILLED' WHEN o.roll < 75 THEN 'PAID'
                            WHEN o.roll < 85 THEN 'CANCELLED' WHEN o.roll < 95 THEN 'EXPIRED' ELSE 'REFUNDED' END AS status,
                       CASE WHEN o.roll < 0 THEN 1 WHEN o.roll < 55 OR o.roll >= 95 THEN 3 ELSE 2 END::bigint AS version,
                       CASE WHEN o.roll < 0 THEN interval '0' WHEN o.roll < 55 OR o.roll >= 95 THEN interval '2 days' ELSE interval '5 minutes' END AS updated_after
            ) s
            CROSS JOIN LATERAL (
                SELECT sum({Quantity} * {UnitPrice})::bigint AS subtotal FROM generate_series(0, o.item_count - 1) AS line
            ) t
            """, (long)scale.Orders, start);

        var items = await TimedAsync(dataSource, $"""
            INSERT INTO order_items (order_id, line, product_id, product_name, quantity, unit_price, line_total)
            SELECT {OrderId}, line, 'prd_' || lpad(x.product::text, 3, '0'), 'Product ' || x.product, x.quantity, x.unit_price, x.quantity * x.unit_price
            FROM generate_series(1::bigint, $1) AS i
            CROSS JOIN LATERAL generate_series(0, {ItemCount} - 1) AS line
            CROSS JOIN LATERAL (SELECT {Quantity} AS quantity, {UnitPrice} AS unit_price, {Product} AS product) x
            """, (long)scale.Orders);

        // What autovacuum would do soon after such a load; done now so it cannot run during the measurement.
        var vacuum = await TimedAsync(dataSource, "VACUUM (ANALYZE) customers, orders, order_items");
        total.Stop();

        await using var check = dataSource.CreateCommand("""
            SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM order_items),
                   (SELECT count(*) FROM orders o WHERE o.item_count <> (SELECT count(*) FROM order_items i WHERE i.order_id = o.id)
                       OR o.subtotal <> (SELECT sum(line_total) FROM order_items i WHERE i.order_id = o.id)),
                   (SELECT count(DISTINCT customer_id) FROM orders)
            """);
        await using var reader = await check.ExecuteReaderAsync();
        await reader.ReadAsync();
        var times = new LoadTimes(customers.Elapsed, orders.Elapsed, items.Elapsed, vacuum.Elapsed, total.Elapsed, reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        Console.WriteLine($"  loaded {times.Orders:N0} orders ({times.Items:N0} items, {times.CustomersWithOrders:N0} customers with orders, {times.Inconsistent} inconsistent) in "
            + $"{times.Total.TotalSeconds:0.0} s: customers {times.CustomersTime.TotalSeconds:0.0} s, orders {times.OrdersTime.TotalSeconds:0.0} s, "
            + $"items {times.ItemsTime.TotalSeconds:0.0} s, VACUUM ANALYZE {times.VacuumTime.TotalSeconds:0.0} s");
        if (times.Orders != scale.Orders || times.Inconsistent != 0)
        {
            throw new InvalidOperationException($"The bulk load is wrong: {times.Orders} orders, {times.Inconsistent} whose items disagree.");
        }

        return times;
    }

    private static async Task<Stopwatch> TimedAsync(NpgsqlDataSource dataSource, string sql, params object[] parameters)
    {
        var clock = Stopwatch.StartNew();
        await using var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync();
        clock.Stop();
        return clock;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // HTTP
    // ---------------------------------------------------------------------------------------------------------------

    private static async Task<Page> GetPageAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
        }

        return Page.Parse(body);
    }

    private static async Task<Walk> WalkAsync(HttpClient http, Scale scale)
    {
        var clock = Stopwatch.StartNew();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var duplicates = 0;
        var misordered = 0;
        (DateTime CreatedAt, string Id)? previous = null;
        (DateTime CreatedAt, string Id)? afterPageBefore = null;
        string? cursor = null;
        string? deepCursor = null;
        List<string> firstIds = [];
        List<string> deepIds = [];
        var pages = 0;
        for (var number = 1; number <= scale.DeepPage; number++)
        {
            if (number == scale.DeepPage)
            {
                deepCursor = cursor;
                afterPageBefore = previous;
            }

            var page = await GetPageAsync(http, cursor is null ? $"/api/v1/orders?limit={PageSize}" : $"/api/v1/orders?limit={PageSize}&cursor={Uri.EscapeDataString(cursor)}");
            pages++;
            foreach (var item in page.Items)
            {
                if (!seen.Add(item.Id))
                {
                    duplicates++;
                }

                // Newest first, ties broken by id descending: each key strictly below the one before.
                if (previous is { } p && (item.CreatedAt > p.CreatedAt || (item.CreatedAt == p.CreatedAt && string.CompareOrdinal(item.Id, p.Id) >= 0)))
                {
                    misordered++;
                }

                previous = (item.CreatedAt, item.Id);
            }

            if (number == 1)
            {
                firstIds = [.. page.Items.Select(i => i.Id)];
            }

            if (number == scale.DeepPage)
            {
                deepIds = [.. page.Items.Select(i => i.Id)];
            }

            if (page.Items.Count != PageSize || page.NextCursor is null)
            {
                throw new InvalidOperationException($"Page {number} had {page.Items.Count} orders and {(page.NextCursor is null ? "no" : "a")} next cursor; expected {PageSize} and a cursor.");
            }

            cursor = page.NextCursor;
        }

        clock.Stop();
        return new Walk(pages, seen.Count, duplicates, misordered, clock.Elapsed, deepCursor!, afterPageBefore!.Value, firstIds, deepIds);
    }

    /// <summary>Page 1 and the deep page alternately (which goes first alternates too), one request at a time.</summary>
    private static async Task<(Percentiles First, Percentiles Deep, int WrongAnswers)> MeasureInterleavedAsync(HttpClient http, Scale scale, string firstUrl, string firstId, string deepUrl, string deepId)
    {
        var first = new List<double>(scale.Samples);
        var deep = new List<double>(scale.Samples);
        var wrong = 0;
        for (var i = 0; i < scale.WarmupSamples + scale.Samples; i++)
        {
            var record = i >= scale.WarmupSamples;
            foreach (var deepFirst in i % 2 == 0 ? new[] { false, true } : [true, false])
            {
                var (url, expected, into) = deepFirst ? (deepUrl, deepId, deep) : (firstUrl, firstId, first);
                var started = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(url);
                var body = await response.Content.ReadAsByteArrayAsync();
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (!response.IsSuccessStatusCode || Page.Parse(body) is not { } page || page.Items.Count != PageSize || page.Items[0].Id != expected)
                {
                    wrong++;
                }

                if (record)
                {
                    into.Add(elapsed);
                }
            }
        }

        return (Percentiles.Of(first), Percentiles.Of(deep), wrong);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // SQL, for context
    // ---------------------------------------------------------------------------------------------------------------

    private static async Task<List<string>> PageIdsByOffsetAsync(NpgsqlDataSource dataSource, int offset)
    {
        await using var command = dataSource.CreateCommand(OffsetPageSql);
        command.Parameters.Add(new NpgsqlParameter { Value = offset });
        command.Parameters.Add(new NpgsqlParameter { Value = PageSize });
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static async Task<SqlTimes> MeasureSqlAsync(NpgsqlDataSource dataSource, Scale scale, (DateTime CreatedAt, string Id) after)
    {
        var afterAt = new DateTimeOffset(DateTime.SpecifyKind(after.CreatedAt, DateTimeKind.Utc));
        var offset = (scale.DeepPage - 1) * PageSize;
        Console.WriteLine($"  timing the statements in SQL ({scale.SqlRuns} runs each): keyset page 1, keyset page {scale.DeepPage:N0}, OFFSET {offset:N0}…");
        var keysetFirst = await TimeStatementAsync(dataSource, scale, FirstPageSql, PageSize + 1);
        var keysetDeep = await TimeStatementAsync(dataSource, scale, KeysetPageSql, afterAt, after.Id, PageSize + 1);
        var offsetPage = await TimeStatementAsync(dataSource, scale, OffsetPageSql, offset, PageSize);
        var deepPlan = await ExplainAsync(dataSource, generic: false, KeysetPageSql, afterAt, after.Id, PageSize + 1);
        var deepGenericPlan = await ExplainAsync(dataSource, generic: true, KeysetPageSql, afterAt, after.Id, PageSize + 1);
        var offsetPlan = await ExplainAsync(dataSource, generic: false, OffsetPageSql, offset, PageSize);
        return new SqlTimes(keysetFirst, keysetDeep, offsetPage, deepPlan, deepGenericPlan, offsetPlan);
    }

    private static async Task<double> TimeStatementAsync(NpgsqlDataSource dataSource, Scale scale, string sql, params object[] parameters)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var times = new List<double>(scale.SqlRuns);

        // Prepared, as the front end's auto-prepare runs it.
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.PrepareAsync();
        for (var run = -2; run < scale.SqlRuns; run++)
        {
            var started = Stopwatch.GetTimestamp();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                }
            }

            if (run >= 0)
            {
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        return Percentiles.Of(times).P50;
    }

    private static async Task<List<string>> ExplainAsync(NpgsqlDataSource dataSource, bool generic, string sql, params object[] parameters)
    {
        // EXPLAIN of a statement with parameters plans it for their values (a custom plan). The generic plan, which a
        // prepared statement may switch to after five runs, is only shown for a named prepared statement.
        await using var connection = await dataSource.OpenConnectionAsync();
        var explained = "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql;
        if (generic)
        {
            var types = string.Join(", ", parameters.Select(p => p switch
            {
                DateTimeOffset => "timestamptz",
                string => "text",
                int => "integer",
                _ => throw new ArgumentException($"No SQL type for {p.GetType()}."),
            }));
            await using var prepare = new NpgsqlCommand($"SET plan_cache_mode = force_generic_plan; PREPARE list_depth_generic({types}) AS {sql}", connection);
            await prepare.ExecuteNonQueryAsync();
            // EXECUTE takes no bind parameters: the values go in as literals.
            explained = $"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE list_depth_generic({string.Join(", ", parameters.Select(Literal))})";
        }

        await using var command = new NpgsqlCommand(explained, connection);
        foreach (var parameter in generic ? [] : parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var lines = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(0));
            }
        }

        if (generic)
        {
            await using var cleanup = new NpgsqlCommand("DEALLOCATE list_depth_generic; RESET plan_cache_mode", connection);
            await cleanup.ExecuteNonQueryAsync();
        }

        return lines;
    }

    private static string Literal(object value) => value switch
    {
        DateTimeOffset at => $"'{at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}+00'::timestamptz",
        string text => $"'{text.Replace("'", "''", StringComparison.Ordinal)}'",
        int number => number.ToString(CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"No SQL literal for {value.GetType()}."),
    };

    /// <summary>Adds this benchmark's numbers to the results file's <paramref name="document"/>.</summary>
    private static async Task AddResultsAsync(
        JsonObject document, NpgsqlDataSource dataSource, Scale scale, LoadTimes load, Walk walk, bool deepMatchesOffset,
        Percentiles first, Percentiles deep, int wrongAnswers, double ratioP50, double ratioP95, SqlTimes sql)
    {
        await using var version = dataSource.CreateCommand("SHOW server_version");
        var postgres = (string)(await version.ExecuteScalarAsync())!;
        static JsonObject Latency(Percentiles p) => new() { ["p50_ms"] = Math.Round(p.P50, 3), ["p95_ms"] = Math.Round(p.P95, 3), ["p99_ms"] = Math.Round(p.P99, 3) };
        var fields = new JsonObject
        {
            ["postgres"] = postgres,
            ["setup"] = "one silo process and the HTTP front end (cluster-client mode, Production) as processes (Release under bench/run.sh) on a private "
                + "PostgreSQL (fsync on); one client on loopback, sequential requests, staff token",
            ["customers"] = scale.Customers,
            ["orders"] = load.Orders,
            ["order_items"] = load.Items,
            ["page_size"] = PageSize,
            ["deep_page"] = scale.DeepPage,
            ["samples_per_page"] = scale.Samples,
            ["warmup_samples_per_page"] = scale.WarmupSamples,
            ["load_seconds"] = new JsonObject
            {
                ["customers"] = Math.Round(load.CustomersTime.TotalSeconds, 1),
                ["orders"] = Math.Round(load.OrdersTime.TotalSeconds, 1),
                ["order_items"] = Math.Round(load.ItemsTime.TotalSeconds, 1),
                ["vacuum_analyze"] = Math.Round(load.VacuumTime.TotalSeconds, 1),
                ["total"] = Math.Round(load.Total.TotalSeconds, 1),
            },
            ["walk"] = new JsonObject
            {
                ["pages"] = walk.Pages,
                ["orders"] = walk.Orders,
                ["duplicates"] = walk.Duplicates,
                ["out_of_order"] = walk.Misordered,
                ["seconds"] = Math.Round(walk.Elapsed.TotalSeconds, 1),
                ["deep_page_matches_offset"] = deepMatchesOffset,
            },
            ["http_first_page"] = Latency(first),
            ["http_deep_page"] = Latency(deep),
            ["timed_answers_wrong"] = wrongAnswers,
            ["ratio_deep_vs_first_p50"] = ratioP50,
            ["ratio_deep_vs_first_p95"] = ratioP95,
            ["target_ratio_p50"] = TargetRatio,
            ["sql_p50_ms"] = new JsonObject
            {
                ["keyset_first_page"] = Math.Round(sql.KeysetFirstP50, 3),
                ["keyset_deep_page"] = Math.Round(sql.KeysetDeepP50, 3),
                [$"offset_{(scale.DeepPage - 1) * PageSize}_limit_{PageSize}"] = Math.Round(sql.OffsetP50, 3),
                ["runs"] = scale.SqlRuns,
            },
            ["deep_page_plan"] = new JsonArray([.. sql.DeepPlan.Select(l => JsonValue.Create(l))]),
            ["deep_page_generic_plan"] = new JsonArray([.. sql.DeepGenericPlan.Select(l => JsonValue.Create(l))]),
            ["offset_plan"] = new JsonArray([.. sql.OffsetPlan.Select(l => JsonValue.Create(l))]),
        };
        foreach (var name in fields.Select(pair => pair.Key).ToList())
        {
            var value = fields[name];
            fields.Remove(name);
            document[name] = value;
        }
    }

    /// <summary>How much data and how many samples: the recorded run's, or a smoke run's few seconds' worth.</summary>
    private sealed record Scale(int Customers, int Orders, int DeepPage, int WarmupSamples, int Samples, int SqlRuns)
    {
        public static Scale Full { get; } = new(10_000, 1_000_000, 5_000, 50, 300, 20);

        /// <summary>Page 50 of 3,000 orders: deep enough that a cursor crosses many ties and the OFFSET twin is checked.</summary>
        public static Scale SmokeRun { get; } = new(100, 3_000, 50, 5, 20, 3);
    }

    private sealed record LoadTimes(
        TimeSpan CustomersTime, TimeSpan OrdersTime, TimeSpan ItemsTime, TimeSpan VacuumTime, TimeSpan Total,
        long Orders, long Items, long Inconsistent, long CustomersWithOrders);

    private sealed record Walk(
        int Pages, int Orders, int Duplicates, int Misordered, TimeSpan Elapsed, string DeepCursor,
        (DateTime CreatedAt, string Id) AfterDeepPageBefore, List<string> FirstPageIds, List<string> DeepPageIds);

    private sealed record SqlTimes(double KeysetFirstP50, double KeysetDeepP50, double OffsetP50, List<string> DeepPlan, List<string> DeepGenericPlan, List<string> OffsetPlan);

    private sealed record Item(string Id, DateTime CreatedAt);

    private sealed record Page(List<Item> Items, string? NextCursor)
    {
        public static Page Parse(byte[] body)
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var items = root.GetProperty("items").EnumerateArray()
                .Select(item => new Item(item.GetProperty("id").GetString()!, item.GetProperty("created_at").GetDateTime().ToUniversalTime()))
                .ToList();
            var next = root.GetProperty("next_cursor");
            return new Page(items, next.ValueKind == JsonValueKind.String ? next.GetString() : null);
        }
    }

    private sealed record Percentiles(double P50, double P95, double P99)
    {
        /// <summary>Nearest-rank percentiles.</summary>
        public static Percentiles Of(List<double> samples)
        {
            var sorted = samples.Order().ToArray();
            double At(double p) => sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
            return new Percentiles(At(0.50), At(0.95), At(0.99));
        }
    }
}
