namespace Benchmarks;

/// <summary>A silo as a real operating-system process (the Release build of src/Silo), with its output in a log file.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private SiloProcess(ChildProcess process)
    {
        _process = process;
    }

    public string Name => _process.Name;

    public int ProcessId => _process.ProcessId;

    public bool HasExited => _process.HasExited;

    public static SiloProcess Start(string name, string connectionString, string logDirectory, IReadOnlyDictionary<string, string>? settings = null)
    {
        var silo = Path.GetFullPath(Path.Combine("src", "Silo", "bin", "Release", "net10.0", "Silo.dll"));
        if (!File.Exists(silo))
        {
            throw new FileNotFoundException($"Build the silo first: dotnet build -c Release src/Silo (looked for {silo}).");
        }

        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = connectionString,
            ["Silo__Name"] = name,
            // The benchmarks run several silos on one machine; port 0 lets each take a free one.
            ["Cluster__Port"] = "0",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return new SiloProcess(ChildProcess.Start(name, silo, environment, logDirectory));
    }

    /// <summary>kill -9, and wait until the process is gone: no shutdown code runs, nothing is flushed or released.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>SIGTERM, then wait for the graceful shutdown to finish.</summary>
    public Task TerminateAsync(TimeSpan timeout) => _process.TerminateAsync(timeout);

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
