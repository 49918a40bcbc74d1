using System.Globalization;
using System.Text.Json.Nodes;
using Commerce.Testing;

namespace Benchmarks;

/// <summary>
/// Grain calls with no I/O on Orleans clusters of 1, 2 and 3 silos (in this process, each on its own loopback ports,
/// clustered through PostgreSQL with the product's hosting): latency at one caller and throughput at 64, for a call a
/// silo makes to a grain it serves itself (local), to a grain another silo serves (silo to silo over TCP), and from a
/// cluster client (always remote: client → gateway, and on to the grain's silo when that is another one).
/// </summary>
public static class ClusterScaleBenchmark
{
    private const string LocalScenario = "local: silo → grain it serves";
    private const string RemoteScenario = "remote: silo → grain on another silo";
    private const string ClientScenario = "client → grain (always remote)";

    /// <summary>Grains per scenario: callers take them round robin, so 64 callers spread over 64 activations.</summary>
    private const int GrainsPerScenario = 64;

    public static async Task<int> RunAsync(BenchmarkArguments arguments)
    {
        var duration = arguments.Smoke && !arguments.DurationGiven ? TimeSpan.FromSeconds(0.3) : arguments.Duration;
        var warmup = arguments.Smoke ? TimeSpan.FromSeconds(0.2) : TimeSpan.FromSeconds(3);
        var loadBefore = ResultsFile.LoadAverage();
        Console.WriteLine($"cluster-scale{(arguments.Smoke ? " --smoke" : "")}: {duration.TotalSeconds:0.##} s per scenario, {Environment.ProcessorCount} cores, "
            + $"load average {loadBefore}; all silos share this machine and this process");
        await using var server = await PostgresServer.StartAsync();
        var results = new List<(int Silos, Measurement.Result Result)>();
        var memberships = new JsonArray();
        var falseDeaths = new List<string>();
        foreach (var siloCount in new[] { 1, 2, 3 })
        {
            var database = await server.CreateDatabaseAsync($"scale{siloCount}");
            var silos = new List<InProcessSilo>();
            try
            {
                // One at a time: the first migrates the schema, and each joins a cluster that is already settled.
                for (var i = 1; i <= siloCount; i++)
                {
                    silos.Add(await BenchmarkSilo.StartAsync(database, $"scale-silo-{i}"));
                }

                await using var client = await ClusterClient.ConnectAsync(database);
                var first = silos[0];
                var local = await PlaceAsync(first, first, "local");
                var remote = siloCount > 1 ? await PlaceAsync(first, silos[1..], "remote") : [];
                var clientGrains = Enumerable.Range(0, GrainsPerScenario).Select(i => client.Grains.GetGrain<IPingGrain>($"client-{i}")).ToList();
                foreach (var grain in clientGrains)
                {
                    // Activated one by one first, as the silos' grains are: the scenarios measure calls, not activations.
                    await grain.Ping(0);
                }

                foreach (var callers in new[] { 1, 64 })
                {
                    Add(results, siloCount, await Measure(LocalScenario, callers, duration, warmup, i => local[i % local.Count]));
                    if (remote.Count > 0)
                    {
                        Add(results, siloCount, await Measure(RemoteScenario, callers, duration, warmup, i => remote[i % remote.Count]));
                    }

                    Add(results, siloCount, await Measure(ClientScenario, callers, duration, warmup, i => clientGrains[i % clientGrains.Count]));
                }

                var membership = await MembershipCheck.ReadAsync(database);
                memberships.Add(new JsonObject { ["silos"] = siloCount, ["membership"] = membership.ToJson() });
                falseDeaths.AddRange(membership.FalselyDead.Select(name => $"{name} (cluster of {siloCount})"));
            }
            finally
            {
                foreach (var silo in silos.AsEnumerable().Reverse())
                {
                    await silo.DisposeAsync();
                }
            }
        }

        PrintTable(results);
        var document = ResultsFile.Header("cluster-scale", arguments, loadBefore);
        document["seconds_per_scenario"] = duration.TotalSeconds;
        document["setup"] = "Orleans silos and a cluster client in one process (the product's hosting: ADO.NET clustering on PostgreSQL, the product's "
            + "failure detection), TCP on loopback between them; a silo's calls go through its own grain factory; PingGrain is placed on the silo that first calls it";
        document["membership"] = memberships;
        document["results"] = new JsonArray([.. results.Select(r => (JsonNode)new JsonObject
        {
            ["silos"] = r.Silos,
            ["scenario"] = r.Result.Scenario,
            ["callers"] = r.Result.Callers,
            ["calls_per_second"] = r.Result.OpsPerSecond,
            ["p50_ms"] = r.Result.P50Ms,
            ["p99_ms"] = r.Result.P99Ms,
            ["errors"] = r.Result.Errors,
        })]);
        await ResultsFile.WriteAsync(arguments, "cluster-scale", document);

        foreach (var name in falseDeaths)
        {
            Console.WriteLine($"  FAILED: {name} was declared dead without being killed");
        }

        var failedCalls = results.Where(r => r.Result.Errors > 0).ToList();
        foreach (var (silos, r) in failedCalls)
        {
            Console.WriteLine($"  FAILED: {r.Scenario} at {r.Callers} callers on {silos} silo(s): {r.Errors} calls failed, the first with {r.FirstError}");
        }

        var remoteAt1 = results.Last(r => r.Result.Scenario == RemoteScenario && r.Result.Callers == 1).Result;
        var localAt1 = results.Last(r => r.Result.Scenario == LocalScenario && r.Result.Callers == 1).Result;
        var clientThroughput = results.Where(r => r.Result.Scenario == ClientScenario && r.Result.Callers == 64).Select(r => $"{r.Silos}:{r.Result.OpsPerSecond:0}");
        Console.WriteLine($"cluster-scale: local_p50_ms={Number(localAt1.P50Ms)} remote_p50_ms={Number(remoteAt1.P50Ms)} remote_p99_ms={Number(remoteAt1.P99Ms)} "
            + $"client_calls_per_s={string.Join(',', clientThroughput)}");
        return falseDeaths.Count == 0 && failedCalls.Count == 0 ? 0 : 1;
    }

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Activates <see cref="GrainsPerScenario"/> ping grains by a first call from <paramref name="hosts"/> (round robin),
    /// so they live there, and checks from <paramref name="caller"/> that every one is served where it should be.
    /// </summary>
    private static async Task<List<IPingGrain>> PlaceAsync(InProcessSilo caller, IReadOnlyList<InProcessSilo> hosts, string prefix)
    {
        var grains = new List<IPingGrain>();
        for (var i = 0; i < GrainsPerScenario; i++)
        {
            var host = hosts[i % hosts.Count];
            var key = $"{prefix}-{i}";
            var where = await host.Grains.GetGrain<IPingGrain>(key).Silo();
            var seen = await caller.Grains.GetGrain<IPingGrain>(key).Silo();
            if (where != host.Address.ToParsableString() || seen != where)
            {
                throw new InvalidOperationException($"{key} was to live on {host.Name} ({host.Address}) but is served by {where} (seen from {caller.Name}: {seen}).");
            }

            grains.Add(caller.Grains.GetGrain<IPingGrain>(key));
        }

        return grains;
    }

    private static Task<List<IPingGrain>> PlaceAsync(InProcessSilo caller, InProcessSilo host, string prefix) => PlaceAsync(caller, [host], prefix);

    private static Task<Measurement.Result> Measure(string scenario, int callers, TimeSpan duration, TimeSpan warmup, Func<int, IPingGrain> grainFor)
        => Measurement.RunAsync(
            scenario,
            callers,
            duration,
            i =>
            {
                var grain = grainFor(i);
                return async () => await grain.Ping(i) == i + 1;
            },
            warmup);

    private static void Add(List<(int, Measurement.Result)> results, int silos, Measurement.Result result)
    {
        results.Add((silos, result));
        var errors = result.Errors > 0 ? $"  {result.Errors} ERRORS, first: {result.FirstError}" : "";
        Console.WriteLine($"  {silos} silo(s)  {result.Scenario,-40} {result.Callers,3} callers {result.OpsPerSecond,11:N0}/s  p50 {result.P50Ms,7:0.0000} ms  p99 {result.P99Ms,7:0.0000} ms{errors}");
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
}
