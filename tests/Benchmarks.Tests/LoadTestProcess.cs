using Commerce.Testing;

namespace Benchmarks.Tests;

/// <summary>One run of the load generator (src/LoadTest, built in this test's configuration).</summary>
public static class LoadTestProcess
{
    public static Task<ProgramRun> RunAsync(TimeSpan timeout, params string[] arguments)
        => ProgramRun.RunAsync("loadtest", BuiltProject.Dll("LoadTest"), arguments, timeout);
}
