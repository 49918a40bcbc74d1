using System.Diagnostics;
using System.Globalization;

namespace Commerce.Testing;

/// <summary>
/// <c>dotnet &lt;dll&gt;</c> as a child process with stdout and stderr in one log file, so a test's or benchmark's
/// console shows only its own output while a failed run still leaves the child's side of the story behind.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Task _pumps;
    private readonly Action<string>? _onLine;

    private ChildProcess(string name, Process process, StreamWriter log, Action<string>? onLine, Action<int>? onExit)
    {
        Name = name;
        _process = process;
        _log = log;
        _onLine = onLine;
        // Both pipes must be drained all the time: a child blocked on a full pipe looks like a hung benchmark.
        _pumps = Task.WhenAll(PumpAsync(process.StandardOutput), PumpAsync(process.StandardError));
        if (onExit is not null)
        {
            _ = NotifyExitAsync(onExit);
        }
    }

    /// <summary>Also the log file's name in the run directory, so that directory reads as the list of processes.</summary>
    public string Name { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts <c>dotnet &lt;dllPath&gt; [arguments…]</c>. <paramref name="onLine"/>, if given, sees every line of output
    /// (stdout and stderr) as it is logged, e.g. to catch a process announcing the address it listens on.
    /// </summary>
    public static ChildProcess Start(string name, string dllPath, IReadOnlyDictionary<string, string> environment, string logDirectory,
        IReadOnlyList<string>? arguments = null, Action<string>? onLine = null, Action<int>? onExit = null)
    {
        var start = new ProcessStartInfo("dotnet", [dllPath, .. arguments ?? []])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        Directory.CreateDirectory(logDirectory);
        var log = new StreamWriter(Path.Combine(logDirectory, $"{name}.log")) { AutoFlush = true };
        return new ChildProcess(name, Process.Start(start)!, log, onLine, onExit);
    }

    /// <summary>kill -9, and wait until the process is gone: no shutdown code runs, nothing is flushed or released.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, then wait for the graceful shutdown to finish (kill after the timeout).</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        // Process has no API for SIGTERM; Kill() is SIGKILL, which would skip the shutdown being measured.
        using (var signal = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        // The pumps end at end-of-stream; only then is it safe to close the log they write to.
        await _pumps;
        await _log.DisposeAsync();
        _process.Dispose();
    }

    private async Task NotifyExitAsync(Action<int> onExit)
    {
        await _process.WaitForExitAsync();
        await _pumps;
        onExit(_process.ExitCode);
    }

    private async Task PumpAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            // stdout and stderr are pumped concurrently into the same writer.
            lock (_log)
            {
                _log.WriteLine(line);
            }

            _onLine?.Invoke(line);
        }
    }
}
