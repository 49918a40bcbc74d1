using System.Text.Json;
using System.Text.Json.Nodes;
using Runtime;
using Runtime.Cluster;
using Runtime.TestingHost;

namespace Benchmarks;

/// <summary>
/// Grain calls with no I/O on clusters of 1, 2 and 3 silos (in this process, each with its own HTTP/2 transport on
/// loopback): latency at one caller and throughput at 64, for a call a silo makes to a grain it serves itself
/// (local), to a grain another silo serves (silo to silo), and from a cluster client (always remote).
/// </summary>
public static class ClusterScaleBenchmark
{
    public static async Task<int> RunAsync(BenchmarkArguments arguments)
    {
        var duration = arguments.Duration;
        Console.WriteLine($"cluster-scale: {duration.TotalSeconds:0} s per scenario, {Environment.ProcessorCount} cores; all silos share this machine");
        await using var server = await PostgresServer.StartAsync();
        var results = new List<(int Silos, Measurement.Result Result)>();
        foreach (var silos in new[] { 1, 2, 3 })
        {
            var database = await server.CreateDatabaseAsync($"scale{silos}");
            var options = new TestClusterOptions { InitialSiloCount = silos, PostgresConnectionString = database };
            options.GrainAssemblies.Add(typeof(PingGrain).Assembly);
            await using var cluster = await TestCluster.StartAsync(options);
            await using (var observer = await ClusterObserver.StartAsync(database))
            {
                await observer.WaitUntilSettledAsync(silos, TimeSpan.FromMinutes(1));
            }

            var client = await cluster.GetClientAsync();
            var first = cluster.Silos[0];
            var local = KeysWhere(first, served: true);
            var remote = silos > 1 ? KeysWhere(first, served: false) : [];

            foreach (var callers in new[] { 1, 64 })
            {
                Add(results, silos, await Measure("local: silo → grain it serves", callers, duration, i => first.GrainFactory.GetGrain<IPingGrain>(local[i % local.Count])));
                if (remote.Count > 0)
                {
                    Add(results, silos, await Measure("remote: silo → grain on another silo", callers, duration, i => first.GrainFactory.GetGrain<IPingGrain>(remote[i % remote.Count])));
                }

                Add(results, silos, await Measure("client → grain (always remote)", callers, duration, i => client.GrainFactory.GetGrain<IPingGrain>($"ping-{i}")));
            }
        }

        PrintTable(results);
        await WriteResultsAsync(arguments.ResultsDirectory, duration, results);
        var remoteAt1 = results.Last(r => r.Result.Scenario.StartsWith("remote", StringComparison.Ordinal) && r.Result.Callers == 1).Result;
        var localAt1 = results.Last(r => r.Result.Scenario.StartsWith("local", StringComparison.Ordinal) && r.Result.Callers == 1).Result;
        var clientThroughput = results.Where(r => r.Result.Scenario.StartsWith("client", StringComparison.Ordinal) && r.Result.Callers == 64).Select(r => $"{r.Silos}:{r.Result.OpsPerSecond:0}");
        Console.WriteLine($"cluster-scale: local_p50_ms={localAt1.P50Ms} remote_p50_ms={remoteAt1.P50Ms} remote_p99_ms={remoteAt1.P99Ms} client_calls_per_s={string.Join(',', clientThroughput)}");
        return 0;
    }

    private static List<string> KeysWhere(TestSilo silo, bool served)
        => [.. Enumerable.Range(0, 20_000).Select(i => $"ping-{i}").Where(k => silo.IsServing(silo.PartitionOf(new GrainId("ping", k))) == served).Take(64)];

    private static Task<Measurement.Result> Measure(string scenario, int callers, TimeSpan duration, Func<int, IPingGrain> grainFor)
        => Measurement.RunAsync(
            scenario,
            callers,
            duration,
            i =>
            {
                var grain = grainFor(i);
                return async () => await grain.Ping(i) == i + 1;
            },
            warmup: TimeSpan.FromSeconds(3));

    private static void Add(List<(int, Measurement.Result)> results, int silos, Measurement.Result result)
    {
        results.Add((silos, result));
        Console.WriteLine($"  {silos} silo(s)  {result.Scenario,-40} {result.Callers,3} callers {result.OpsPerSecond,11:N0}/s  p50 {result.P50Ms,7:0.0000} ms  p99 {result.P99Ms,7:0.0000} ms");
    }

    private static void PrintTable(List<(int Silos, Measurement.Result Result)> results)
    {
        Console.WriteLine();
        Console.WriteLine($"| silos | {"scenario",-40} | callers | {"calls/s",10} | {"p50 ms",7} | {"p99 ms",7} |");
        Console.WriteLine($"|-------|{new string('-', 42)}|---------|{new string('-', 12)}|{new string('-', 9)}|{new string('-', 9)}|");
        foreach (var (silos, r) in results)
        {
            Console.WriteLine($"| {silos,5} | {r.Scenario,-40} | {r.Callers,7} | {r.OpsPerSecond,10:N0} | {r.P50Ms,7:0.0000} | {r.P99Ms,7:0.0000} |");
        }

        Console.WriteLine();
    }

    private static async Task WriteResultsAsync(string directory, TimeSpan duration, List<(int Silos, Measurement.Result Result)> results)
    {
        var document = new JsonObject
        {
            ["benchmark"] = "cluster-scale",
            ["recorded_at"] = DateTimeOffset.UtcNow.ToString("O"),
            ["machine"] = new JsonObject { ["cores"] = Environment.ProcessorCount, ["os"] = Environment.OSVersion.ToString() },
            ["seconds_per_scenario"] = duration.TotalSeconds,
            ["setup"] = "silos and client in one process, HTTP/2 cleartext on loopback between them, PostgreSQL for membership and leases",
            ["results"] = new JsonArray([.. results.Select(r => (JsonNode)new JsonObject
            {
                ["silos"] = r.Silos,
                ["scenario"] = r.Result.Scenario,
                ["callers"] = r.Result.Callers,
                ["calls_per_second"] = r.Result.OpsPerSecond,
                ["p50_ms"] = r.Result.P50Ms,
                ["p99_ms"] = r.Result.P99Ms,
            })]),
        };
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "cluster-scale.json");
        await File.WriteAllTextAsync(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"results written to {path}");
    }
}
