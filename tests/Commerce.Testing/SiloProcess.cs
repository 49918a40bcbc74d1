namespace Commerce.Testing;

/// <summary>
/// A silo as a real operating-system process (the build of src/Silo in this code's configuration), clustered on a
/// PostgreSQL database, with its output in a log file. Only a process can be killed the way a machine dies.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly TaskCompletionSource _started;
    private readonly LineWaiters<string> _lines;

    private SiloProcess(ChildProcess process, TaskCompletionSource started, LineWaiters<string> lines, int siloPort, int gatewayPort)
    {
        _process = process;
        _started = started;
        _lines = lines;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    public string Name => _process.Name;

    public int ProcessId => _process.ProcessId;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once exited: 0 after a graceful stop.</summary>
    public int ExitCode => _process.ExitCode;

    public int SiloPort { get; }

    public int GatewayPort { get; }

    /// <summary>Completes once the silo has joined the cluster and its host reported it started; faults if it exits first.</summary>
    public Task Started => _started.Task;

    /// <summary>
    /// Starts <c>src/Silo</c> on free ports. <paramref name="settings"/> are configuration keys in environment form
    /// (<c>Commerce__PaymentWindow</c>, <c>Membership__ProbeTimeout</c>, …).
    /// </summary>
    public static SiloProcess Start(string name, string connectionString, string logDirectory, IReadOnlyDictionary<string, string>? settings = null)
    {
        int siloPort = FreePorts.Next(), gatewayPort = FreePorts.Next();
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = connectionString,
            ["Silo__Name"] = name,
            ["Endpoints__SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Endpoints__GatewayPort"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // The host's "Application started" line is the signal that the silo has joined.
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = new LineWaiters<string>();
        var process = ChildProcess.Start(name, BuiltProject.Dll("Silo"), environment, logDirectory, onLine: line =>
        {
            if (line.Contains("Application started", StringComparison.Ordinal))
            {
                started.TrySetResult();
            }

            lines.Offer(line);
        }, onExit: code => started.TrySetException(new InvalidOperationException($"Silo {name} exited with {code} before it started; see {logDirectory}/{name}.log.")));
        return new SiloProcess(process, started, lines, siloPort, gatewayPort);
    }

    /// <summary>Completes with the first line of output from now on that satisfies <paramref name="match"/>.</summary>
    public Task<string> NextLine(Func<string, bool> match) => _lines.Next(match);

    /// <summary>kill -9, and wait until the process is gone: no shutdown code runs, nothing is flushed or released.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>SIGTERM, then wait for the graceful shutdown to finish.</summary>
    public Task TerminateAsync(TimeSpan timeout) => _process.TerminateAsync(timeout);

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
