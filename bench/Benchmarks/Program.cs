using Benchmarks;

var benchmarks = new Dictionary<string, Func<BenchmarkArguments, Task<int>>>
{
    ["hot-grain"] = HotGrainBenchmark.RunAsync,
    ["cluster-chaos"] = ClusterChaosBenchmark.RunAsync,
    ["cluster-scale"] = ClusterScaleBenchmark.RunAsync,
    ["list-depth"] = ListDepthBenchmark.RunAsync,
    ["checkout"] = CheckoutBenchmark.RunAsync,
    ["flash-sale"] = FlashSaleBenchmark.RunAsync,
    ["outbox"] = OutboxBenchmark.RunAsync,
    ["export"] = ExportBenchmark.RunAsync,
    ["upload"] = UploadBenchmark.RunAsync,
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: bench/run.sh <{string.Join('|', benchmarks.Keys)}> [--smoke] [--seconds N] [--results DIR] [--callers N,N…] "
        + "[--customers N --concurrency N --frontends 1|2] (flash-sale: --customers is the buyers)");
    return 2;
}

BenchmarkArguments arguments;
try
{
    arguments = BenchmarkArguments.Parse(args[1..]);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}

try
{
    return await run(arguments);
}
catch (ArgumentException exception)
{
    // A benchmark refusing its options (e.g. --callers without 64); the whole exception, in case it came from deeper.
    Console.Error.WriteLine(exception);
    return 2;
}
