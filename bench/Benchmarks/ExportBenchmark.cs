using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BlobStorage;
using Commerce.Testing;
using Grains.Exports;
using Npgsql;

namespace Benchmarks;

/// <summary>
/// Case C5 end to end: 1,000,000 orders of 10,000 customers loaded with set-based SQL, two silo processes and the front
/// end as a process. First one export of every order over HTTP (POST /api/v1/exports/orders → 202, its status read
/// every half second until COMPLETED): rows per second over the job's own times (completed_at − created_at, exact
/// rather than to the next status read), the status reads' latency while it runs, and the peak resident memory (VmHWM)
/// of the silo that ran it, its peak reset once the silos are idle (/proc/&lt;pid&gt;/clear_refs, as the upload
/// benchmark does), so that it is the export's and not the loading's or the start's. Then a second export, and once it has
/// checkpointed about half its parts, kill -9 of the silo running it and a new silo started: the job must resume from
/// its checkpoint (the survivor's "resuming … after N rows" with N &gt; 0) and complete. Both files are read back and
/// their ids compared with the database's, in order, each once (exact). Exit 1 when a file is not exact or the job did
/// not resume. <c>--smoke</c>: 130,000 orders (three 5 MiB parts), the same path.
/// </summary>
public static partial class ExportBenchmark
{
    private const string SigningKey = "export-benchmark-signing-key-0123456789abcdef";

    public static async Task<int> RunAsync(BenchmarkArguments arguments)
    {
        var scale = arguments.Smoke ? Scale.SmokeRun : Scale.Full;
        var runDirectory = Path.Combine(Path.GetTempPath(), $"export-{Environment.ProcessId}");
        var blobs = Path.Combine(runDirectory, "blobs");
        var loadBefore = ResultsFile.LoadAverage();
        Console.WriteLine($"export{(arguments.Smoke ? " --smoke" : "")}: {scale.Orders:N0} orders, parts of {scale.PartSize / 1024 / 1024} MiB, batches of "
            + $"{scale.BatchSize:N0}; {Environment.ProcessorCount} cores, load average {loadBefore}; logs in {runDirectory}");
        await using var server = await PostgresServer.StartAsync();
        var database = await server.CreateDatabaseAsync("export");
        var settings = new Dictionary<string, string>
        {
            ["BlobStorage__Path"] = blobs,
            ["Exports__PartSize"] = scale.PartSize.ToString(CultureInfo.InvariantCulture),
            ["Exports__BatchSize"] = scale.BatchSize.ToString(CultureInfo.InvariantCulture),
            ["Exports__ResumePeriod"] = "00:00:02",
            ["Reminders__MinimumReminderPeriod"] = "00:00:01",
            ["Logging__LogLevel__Grains.Exports"] = "Information",
        };
        var silos = await SiloProcesses.StartAsync(2, database, runDirectory, settings);
        WebFrontendProcess? frontend = null;
        try
        {
            var bulk = new NpgsqlConnectionStringBuilder(database) { CommandTimeout = 600 };
            await using var dataSource = NpgsqlDataSource.Create(bulk.ConnectionString);
            var loading = Stopwatch.StartNew();
            await LoadAsync(dataSource, scale);
            Console.WriteLine($"  loaded in {loading.Elapsed.TotalSeconds:0.0} s");
            var expected = await IdsAsync(dataSource);

            frontend = WebFrontendProcess.Start(database, SigningKey, runDirectory, new Dictionary<string, string> { ["BlobStorage__Path"] = blobs });
            using var http = new HttpClient { BaseAddress = frontend.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            await frontend.WaitUntilReadyAsync(http, TimeSpan.FromMinutes(2));
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", BenchmarkTokens.Sign(SigningKey, "bench-manager", "manager"));
            var store = new FileSystemBlobStore(blobs, links: null);

            // 1. One export, undisturbed.
            var checkpointed = silos.Select(s => s.NextLine(l => l.Contains(": part 1 checkpointed", StringComparison.Ordinal))).ToList();
            // The silos idle (loaded, joined, the front end ready): their peaks reset, so the one read after the export is its own.
            var idleRssMb = silos.ToDictionary(s => s.ProcessId, s => MemoryMb(s.ProcessId, "VmRSS"));
            foreach (var silo in silos)
            {
                await File.WriteAllTextAsync($"/proc/{silo.ProcessId}/clear_refs", "5");
            }

            var id = await StartAsync(http);
            var host = silos[checkpointed.IndexOf(await Task.WhenAny(checkpointed).WaitAsync(TimeSpan.FromMinutes(5)))];
            var (job, reads) = await FollowAsync(http, id, TimeSpan.FromMinutes(30));
            var elapsed = job["completed_at"]!.GetValue<DateTime>() - job["created_at"]!.GetValue<DateTime>();
            var peakRssMb = MemoryMb(host.ProcessId, "VmHWM");
            var hostIdleRssMb = idleRssMb[host.ProcessId];
            var firstExact = await ExactAsync(store, id, expected);
            var rows = job["rows_done"]!.GetValue<long>();
            var rowsPerSecond = rows / elapsed.TotalSeconds;
            reads.Sort();
            Console.WriteLine($"  export 1: {rows:N0} rows, {job["size"]!.GetValue<long>() / 1024.0 / 1024.0:0.0} MiB in {elapsed.TotalSeconds:0.0} s on {host.Name}; "
                + $"{reads.Count} status reads meanwhile, p99 {Percentile(reads, 0.99):0.0} ms; exact {firstExact}");

            // 2. One export whose silo is killed once it has checkpointed about half its parts; a new silo joins.
            var killAt = Math.Max(1, scale.Orders / scale.RowsPerPart / 2);
            var second = await StartAsync(http);
            var halfway = silos.Select(s => s.NextLine(l => l.Contains($"Export {second}: part {killAt} checkpointed", StringComparison.Ordinal))).ToList();
            var halfwayLine = await (await Task.WhenAny(halfway).WaitAsync(TimeSpan.FromMinutes(10)));
            var victim = silos[halfway.FindIndex(t => t.IsCompleted)];
            var checkpointRows = long.Parse(CheckpointRows().Match(halfwayLine).Groups[1].Value, CultureInfo.InvariantCulture);
            var survivors = silos.Where(s => s != victim).ToList();
            var killClock = Stopwatch.StartNew();
            await victim.KillAsync();
            var replacement = SiloProcess.Start("silo-3", database, runDirectory, Merchant.Environment().Concat(settings).ToDictionary());
            silos.Add(replacement);
            survivors.Add(replacement);
            var resuming = survivors.Select(s => s.NextLine(l => l.Contains($"Export {second}: resuming from its checkpoint after", StringComparison.Ordinal))).ToList();
            await replacement.Started.WaitAsync(TimeSpan.FromMinutes(2));
            var (secondJob, _) = await FollowAsync(http, second, TimeSpan.FromMinutes(30));
            var resumedLine = await (await Task.WhenAny(resuming).WaitAsync(TimeSpan.FromMinutes(1)));
            var resumedFrom = long.Parse(ResumedRows().Match(resumedLine).Groups[1].Value, CultureInfo.InvariantCulture);
            var resumed = resumedFrom > 0 && resumedFrom >= checkpointRows && secondJob["status"]!.GetValue<string>() == "COMPLETED";
            var secondExact = await ExactAsync(store, second, expected);
            Console.WriteLine($"  export 2: {victim.Name} killed after part {killAt} ({checkpointRows:N0} rows checkpointed); resumed from {resumedFrom:N0} rows; "
                + $"completed {killClock.Elapsed.TotalSeconds:0.0} s after the kill; exact {secondExact}");

            var membership = await MembershipCheck.ReadAsync(database, [victim.Name]);
            var exact = firstExact && secondExact;
            Console.WriteLine();
            Console.WriteLine($"| {"measure",-52} | {"value",18} |");
            Console.WriteLine($"|{new string('-', 54)}|{new string('-', 20)}|");
            Fact("rows exported (export 1)", rows.ToString("N0", CultureInfo.InvariantCulture));
            Fact("rows per second, created_at → completed_at", rowsPerSecond.ToString("N0", CultureInfo.InvariantCulture));
            Fact("idle RSS of the silo that ran it (MiB)", hostIdleRssMb.ToString("0.0", CultureInfo.InvariantCulture));
            Fact("peak RSS during the export, VmHWM reset (MiB)", peakRssMb.ToString("0.0", CultureInfo.InvariantCulture));
            Fact("status reads meanwhile, p50 / p99 (ms)", $"{Percentile(reads, 0.5):0.0} / {Percentile(reads, 0.99):0.0}");
            Fact("export 2: rows checkpointed at the kill", checkpointRows.ToString("N0", CultureInfo.InvariantCulture));
            Fact("export 2: resumed from (rows)", resumedFrom.ToString("N0", CultureInfo.InvariantCulture));
            Fact("files = the database's ids, in order, once each", exact ? "yes" : "NO");

            var document = ResultsFile.Header("export", arguments, loadBefore);
            document["orders"] = scale.Orders;
            document["part_size_bytes"] = scale.PartSize;
            document["batch_size"] = scale.BatchSize;
            document["export"] = new JsonObject
            {
                ["rows"] = rows,
                ["bytes"] = job["size"]!.GetValue<long>(),
                ["seconds"] = Math.Round(elapsed.TotalSeconds, 2),
                ["rows_per_s"] = Math.Round(rowsPerSecond, 1),
                ["silo"] = host.Name,
                ["idle_rss_mb"] = Math.Round(hostIdleRssMb, 1),
                ["peak_rss_mb"] = Math.Round(peakRssMb, 1),
                ["peak_rss_delta_mb"] = Math.Round(peakRssMb - hostIdleRssMb, 1),
                ["status_reads"] = reads.Count,
                ["status_read_p50_ms"] = Math.Round(Percentile(reads, 0.5), 2),
                ["status_read_p99_ms"] = Math.Round(Percentile(reads, 0.99), 2),
                ["exact"] = firstExact,
            };
            document["kill_and_resume"] = new JsonObject
            {
                ["killed"] = victim.Name,
                ["killed_after_part"] = killAt,
                ["rows_checkpointed_at_kill"] = checkpointRows,
                ["resumed_from_rows"] = resumedFrom,
                ["resumed"] = resumed,
                ["completed_s_after_kill"] = Math.Round(killClock.Elapsed.TotalSeconds, 2),
                ["exact"] = secondExact,
            };
            document["membership"] = membership.ToJson();
            await ResultsFile.WriteAsync(arguments, "export", document);

            var invariant = exact && resumed && membership.Passed;
            Console.WriteLine($"export: rows={rows} rows_per_s={rowsPerSecond.ToString("0.0", CultureInfo.InvariantCulture)} "
                + $"peak_rss_mb={peakRssMb.ToString("0.0", CultureInfo.InvariantCulture)} resumed={(resumed ? "true" : "false")} exact={(exact ? "true" : "false")}");
            return invariant ? 0 : 1;
        }
        finally
        {
            if (frontend is not null)
            {
                await frontend.TerminateAsync(TimeSpan.FromSeconds(15));
                await frontend.DisposeAsync();
            }

            await SiloProcesses.StopAsync(silos);
            if (Directory.Exists(blobs))
            {
                Directory.Delete(blobs, recursive: true);
            }
        }
    }

    private static void Fact(string measure, string value) => Console.WriteLine($"| {measure,-52} | {value,18} |");

    private static async Task LoadAsync(NpgsqlDataSource dataSource, Scale scale)
    {
        Console.WriteLine($"  loading {scale.Customers:N0} customers and {scale.Orders:N0} orders (set-based SQL)…");
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO customers (id, name) SELECT 'cus_' || lpad(c::text, 5, '0'), 'Customer ' || c FROM generate_series(1, {scale.Customers}) c;
            INSERT INTO orders (id, customer_id, status, subtotal, discount, total, currency, item_count, created_at, expires_at, updated_at, version, etag)
            SELECT 'ord_bench_' || lpad(i::text, 7, '0'), 'cus_' || lpad((1 + i % {scale.Customers})::text, 5, '0'),
                   (ARRAY['PAID', 'FULFILLED', 'CANCELLED', 'EXPIRED'])[1 + i % 4], 100000 + i, 0, 100000 + i, 'VND', 1 + i % 3,
                   now() - interval '400 days' + (i / 3) * interval '30 seconds', now(), now(), 1, 1
            FROM generate_series(1, {scale.Orders}) i
            """);
        await command.ExecuteNonQueryAsync();

        // VACUUM runs alone, outside any transaction: one statement each.
        foreach (var table in new[] { "customers", "orders" })
        {
            await using var vacuum = dataSource.CreateCommand($"VACUUM ANALYZE {table}");
            await vacuum.ExecuteNonQueryAsync();
        }
    }

    private static async Task<List<string>> IdsAsync(NpgsqlDataSource dataSource)
    {
        var ids = new List<string>();
        await using var command = dataSource.CreateCommand("SELECT id FROM orders ORDER BY created_at, id");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static async Task<string> StartAsync(HttpClient http)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/exports/orders") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return response.StatusCode == HttpStatusCode.Accepted
            ? JsonNode.Parse(body)!["id"]!.GetValue<string>()
            : throw new InvalidOperationException($"POST /api/v1/exports/orders answered {(int)response.StatusCode}: {body}");
    }

    /// <summary>Reads the job every half second, as a client would, until it ends; answers the last read and the reads' latencies.</summary>
    private static async Task<(JsonNode Job, List<double> ReadsMs)> FollowAsync(HttpClient http, string id, TimeSpan timeout)
    {
        var reads = new List<double>();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            var read = Stopwatch.StartNew();
            try
            {
                using var response = await http.GetAsync($"/api/v1/exports/{id}");
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    reads.Add(read.Elapsed.TotalMilliseconds);
                    var job = JsonNode.Parse(body)!;
                    var status = job["status"]!.GetValue<string>();
                    if (status is "COMPLETED" or "FAILED" or "CANCELLED")
                    {
                        return status == "COMPLETED" ? (job, reads) : throw new InvalidOperationException($"Export {id} ended {status}: {body}");
                    }
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // While a killed silo is declared dead, a read may fail; the job goes on.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        throw new TimeoutException($"Export {id} did not end within {timeout}.");
    }

    private static async Task<bool> ExactAsync(IBlobStore store, string id, List<string> expected)
    {
        var ids = new List<string>(expected.Count);
        await using var file = await store.OpenReadAsync(ExportFiles.Key(id), CancellationToken.None);
        using var reader = new StreamReader(file, Encoding.UTF8);
        _ = await reader.ReadLineAsync();
        while (await reader.ReadLineAsync() is { } line)
        {
            ids.Add(line[..line.IndexOf(',', StringComparison.Ordinal)]);
        }

        return ids.Count == expected.Count && ids.Distinct(StringComparer.Ordinal).Count() == ids.Count && ids.SequenceEqual(expected, StringComparer.Ordinal);
    }

    /// <summary>A field of /proc/&lt;pid&gt;/status (VmRSS, VmHWM: the resident set, its peak), in MiB.</summary>
    private static double MemoryMb(int processId, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
            }
        }

        return double.NaN;
    }

    private static double Percentile(List<double> sorted, double p)
        => sorted.Count == 0 ? 0 : sorted.Order().ElementAt(Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1));

    [GeneratedRegex(@"checkpointed, (\d+) of")]
    private static partial Regex CheckpointRows();

    [GeneratedRegex(@"after (\d+) rows")]
    private static partial Regex ResumedRows();

    private sealed record Scale(int Orders, int Customers, int PartSize, int BatchSize, int RowsPerPart)
    {
        /// <summary>About 90 bytes a row: a 8 MiB part holds ~93,000 rows, so ~11 parts.</summary>
        public static readonly Scale Full = new(1_000_000, 10_000, 8 * 1024 * 1024, 5_000, 93_000);

        /// <summary>Three parts of 5 MiB (~58,000 rows each), killed after the first.</summary>
        public static readonly Scale SmokeRun = new(130_000, 1_000, BlobParts.MinimumSize, 1_000, 58_000);
    }
}
