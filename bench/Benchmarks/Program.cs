using Benchmarks;

var benchmarks = new Dictionary<string, Func<BenchmarkArguments, Task<int>>>
{
    ["hot-grain"] = HotGrainBenchmark.RunAsync,
    ["cluster-chaos"] = ClusterChaosBenchmark.RunAsync,
    ["cluster-scale"] = ClusterScaleBenchmark.RunAsync,
    ["list-depth"] = ListDepthBenchmark.RunAsync,
    ["checkout"] = CheckoutBenchmark.RunAsync,
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: bench/run.sh <{string.Join('|', benchmarks.Keys)}> [--seconds N] [--results DIR] [--customers N --concurrency N --frontends 1|2]");
    return 2;
}

try
{
    return await run(BenchmarkArguments.Parse(args[1..]));
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}
