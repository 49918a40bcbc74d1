using System.Diagnostics;
using System.Globalization;

namespace Commerce.Testing;

/// <summary>
/// A private, throwaway RabbitMQ node (the machine's rabbitmq-server), on free loopback ports, with its data in a
/// temporary folder: the AMQP listener, the Erlang distribution port and an epmd of its own on a port of its own, so
/// nothing is shared with another node or a system broker. <see cref="StopAsync"/> or <see cref="KillAsync"/> take it
/// down and <see cref="StartAgainAsync"/> brings the same node back on the same port with its durable queues and
/// persistent messages; <see cref="DisposeAsync"/> stops everything and deletes the folder. Fails with the install
/// command when the server is missing, never silently. Only the default <c>guest</c> user, which RabbitMQ admits from
/// loopback only: the node listens on 127.0.0.1 alone.
/// </summary>
public sealed class RabbitMqServer : IAsyncDisposable
{
    private const string InstallHint = "Install it with: apt-get update && apt-get install -y rabbitmq-server (or set RABBITMQ_SERVER to its rabbitmq-server script).";
    private const string FolderPrefix = "rabbitmq-";
    private const string DefaultServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(30);

    private readonly string _serverScript;
    private readonly string _root;
    private readonly bool _asRabbitMqUser;
    private readonly string _nodeName;
    private readonly int _distributionPort;
    private readonly int _epmdPort;
    private readonly Lock _lock = new();
    private readonly List<string> _recentOutput = [];
    private Process? _epmd;
    private Process? _node;
    private int _disposed;

    private RabbitMqServer(string serverScript, string root, bool asRabbitMqUser)
    {
        _serverScript = serverScript;
        _root = root;
        _asRabbitMqUser = asRabbitMqUser;
        _nodeName = $"commerce-test-{Guid.NewGuid():N}"[..26] + "@localhost";
        Port = FreePorts.Next();
        _distributionPort = FreePorts.Next();
        _epmdPort = FreePorts.Next();
    }

    /// <summary>The AMQP port on 127.0.0.1; the same across <see cref="StartAgainAsync"/>.</summary>
    public int Port { get; }

    /// <summary><c>amqp://guest:guest@127.0.0.1:port/</c>: the default virtual host as the default user.</summary>
    public Uri Uri => new($"amqp://guest:guest@127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    public bool IsRunning
    {
        get
        {
            lock (_lock)
            {
                return _node is { HasExited: false };
            }
        }
    }

    /// <summary>What the node wrote lately, for failure messages.</summary>
    public string RecentOutput
    {
        get
        {
            lock (_recentOutput)
            {
                return string.Join('\n', _recentOutput);
            }
        }
    }

    private string PidFile => Path.Combine(_root, "node.pid");

    /// <summary>
    /// A name no other test uses, for queues and exchanges: tests share the node's default virtual host and stay
    /// apart by name (a virtual host per test would need rabbitmqctl, seconds per call, or the management plugin).
    /// </summary>
    public static string UniqueName(string purpose) => $"{purpose}.{Guid.NewGuid():N}"[..(purpose.Length + 13)];

    public static async Task<RabbitMqServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var serverScript = FindServerScript();
        await RemoveOrphansAsync().ConfigureAwait(false);

        // rabbitmq-server refuses nothing as root, but its files would then be root's; run it as the account the
        // package creates, as the packaged service does.
        var asRabbitMqUser = Environment.UserName == "root";
        var root = Path.Combine(Path.GetTempPath(), $"{FolderPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}"[..(FolderPrefix.Length + 24)]);
        Directory.CreateDirectory(root);
        var server = new RabbitMqServer(serverScript, root, asRabbitMqUser);
        try
        {
            await server.WriteFilesAsync(cancellationToken).ConfigureAwait(false);
            await server.StartGuardianAsync(cancellationToken).ConfigureAwait(false);
            await server.StartEpmdAsync(cancellationToken).ConfigureAwait(false);
            await server.StartNodeAsync(cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops the node gracefully (SIGTERM: connections are closed, queues and messages written), data kept.</summary>
    public async Task StopAsync()
    {
        var runner = _node ?? throw new InvalidOperationException("The node is not running.");
        if (runner.HasExited)
        {
            return;
        }

        // The Erlang VM itself: runuser would SIGKILL the shell under it two seconds after a SIGTERM of its own.
        Signal("TERM", await VmProcessIdAsync().ConfigureAwait(false));
        using var deadline = new CancellationTokenSource(s_stopTimeout);
        try
        {
            await runner.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await KillAsync().ConfigureAwait(false);
        }
    }

    /// <summary>kill -9 of the node's VM, as a machine dies: nothing is flushed beyond what it had synced.</summary>
    public async Task KillAsync()
    {
        var runner = _node ?? throw new InvalidOperationException("The node is not running.");
        if (runner.HasExited)
        {
            return;
        }

        // Its helpers (erl_child_setup, inet_gethost), the script above it and runuser all end when the VM does.
        Signal("KILL", await VmProcessIdAsync().ConfigureAwait(false));
        using var deadline = new CancellationTokenSource(s_stopTimeout);
        try
        {
            await runner.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // No VM to kill (a start that failed early): the runner is all there is.
            runner.Kill();
            await runner.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Starts the same node again after <see cref="StopAsync"/> or <see cref="KillAsync"/>: same port, same data.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("The node is running; stop it first.");
        }

        await StartNodeAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_node is { } runner)
        {
            await KillAsync().ConfigureAwait(false);
            runner.Dispose();
        }

        if (_epmd is { } epmd)
        {
            if (!epmd.HasExited)
            {
                epmd.Kill();
            }

            await epmd.WaitForExitAsync().ConfigureAwait(false);
            epmd.Dispose();
        }

        Directory.Delete(_root, recursive: true);
    }

    /// <summary>For process-exit handlers, where nothing can be awaited.</summary>
    public void Dispose() => Task.Run(() => DisposeAsync().AsTask()).GetAwaiter().GetResult();

    private async Task WriteFilesAsync(CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(_root, "enabled_plugins"), "[].\n", cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(_root, "rabbitmq.conf"), $"""
            listeners.tcp.1 = 127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}
            loopback_users.guest = true
            log.console = true
            log.console.level = info
            log.file.level = info

            """, cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(Path.Combine(_root, "mnesia"));
        Directory.CreateDirectory(Path.Combine(_root, "log"));
        if (_asRabbitMqUser)
        {
            await RunAsync("chown", ["-R", "rabbitmq:", _root], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A detached shell (a session of its own, not a child of this process) that waits for this test process to end,
    /// then kills the node and its epmd if they still run (the data is thrown away anyway). However the test process ends — disposed, killed by the test
    /// runner once the run is over, crashed — nothing of this node outlives it. A disposed node's folder is gone, and
    /// the guardian finds nothing to stop; the folder of a node stopped this way goes in the next run's orphan sweep.
    /// </summary>
    private async Task StartGuardianAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("setsid", ["-f", "/bin/sh", "-c", """
            exec </dev/null >/dev/null 2>&1
            tail --pid="$1" -f /dev/null
            cd "$2" || exit 0
            [ -f node.pid ] && kill -KILL "$(cat node.pid)"
            [ -f epmd.pid ] && kill -TERM "$(cat epmd.pid)"
            exit 0
            """, "rabbitmq-guardian", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), _root])
        {
            UseShellExecute = false,
        };
        using var setsid = Process.Start(start) ?? throw new InvalidOperationException("Could not start the node's guardian (setsid).");
        await setsid.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// An epmd of this node's own, in the foreground, so it is this fixture's child and goes with it (the node would
    /// otherwise start a daemon that outlives everything). The node is told not to start one.
    /// </summary>
    private async Task StartEpmdAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("epmd", ["-port", _epmdPort.ToString(CultureInfo.InvariantCulture), "-address", "127.0.0.1", "-d", "-d", "-d"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var epmd = new Process { StartInfo = start, EnableRaisingEvents = true };
        // Printed once the port is bound ("epmd running" comes before that).
        epmd.ErrorDataReceived += (_, line) =>
        {
            if (line.Data?.Contains("entering the main select() loop", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult();
            }
        };
        epmd.OutputDataReceived += (_, _) => { };
        epmd.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"epmd on port {_epmdPort} exited before listening."));
        try
        {
            epmd.Start();
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException($"epmd (Erlang) was not found. {InstallHint}", exception);
        }

        _epmd = epmd;
        epmd.BeginErrorReadLine();
        epmd.BeginOutputReadLine();
        await File.WriteAllTextAsync(Path.Combine(_root, "epmd.pid"), epmd.Id.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        await listening.Task.WaitAsync(s_startTimeout, cancellationToken).ConfigureAwait(false);
    }

    private async Task StartNodeAsync(CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = _root,
            ["RABBITMQ_NODENAME"] = _nodeName,
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = Port.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = _distributionPort.ToString(CultureInfo.InvariantCulture),
            ["ERL_EPMD_PORT"] = _epmdPort.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(_root, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(_root, "log"),
            ["RABBITMQ_PID_FILE"] = PidFile,
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_root, "enabled_plugins"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(_root, "rabbitmq"),
            // Distribution on loopback only, and through the epmd started above.
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1} -start_epmd false",
        };

        ProcessStartInfo start;
        if (_asRabbitMqUser)
        {
            // runuser resets HOME and friends; env sets them after it.
            start = new ProcessStartInfo("runuser", ["-u", "rabbitmq", "--", "env", .. environment.Select(pair => $"{pair.Key}={pair.Value}"), _serverScript]);
        }
        else
        {
            start = new ProcessStartInfo(_serverScript);
            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }
        }

        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.WorkingDirectory = _root;

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var node = new Process { StartInfo = start, EnableRaisingEvents = true };
        DataReceivedEventHandler onLine = (_, line) =>
        {
            if (line.Data is not { } text)
            {
                return;
            }

            Remember(text);
            // The node logs to its console too; this line comes once the listeners are up.
            if (text.Contains("Server startup complete", StringComparison.Ordinal))
            {
                started.TrySetResult();
            }
        };
        node.OutputDataReceived += onLine;
        node.ErrorDataReceived += onLine;
        node.Exited += (_, _) => started.TrySetException(new InvalidOperationException($"RabbitMQ node {_nodeName} exited before it started:\n{RecentOutput}"));
        if (File.Exists(PidFile))
        {
            File.Delete(PidFile);
        }

        node.Start();
        lock (_lock)
        {
            _node?.Dispose();
            _node = node;
        }

        node.BeginOutputReadLine();
        node.BeginErrorReadLine();
        try
        {
            await started.Task.WaitAsync(s_startTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"RabbitMQ node {_nodeName} did not start within {s_startTimeout}:\n{RecentOutput}");
        }
    }

    private void Remember(string line)
    {
        lock (_recentOutput)
        {
            _recentOutput.Add(line);
            if (_recentOutput.Count > 200)
            {
                _recentOutput.RemoveAt(0);
            }
        }
    }

    /// <summary>Stops and deletes nodes left behind by test processes that died without disposing them.</summary>
    private static async Task RemoveOrphansAsync()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), $"{FolderPrefix}*"))
        {
            var owner = await ReadPidAsync(Path.Combine(folder, "owner.pid")).ConfigureAwait(false);
            if (owner is null || ProcessIds.IsAlive(owner.Value))
            {
                continue;
            }

            try
            {
                // Only a process that still is what was recorded: the VM's command line names the folder, epmd's is epmd's.
                if (await ReadPidAsync(Path.Combine(folder, "node.pid")).ConfigureAwait(false) is { } vm && CommandLineOf(vm)?.Contains(folder, StringComparison.Ordinal) == true)
                {
                    await KillAndWaitAsync(vm).ConfigureAwait(false);
                }

                if (await ReadPidAsync(Path.Combine(folder, "epmd.pid")).ConfigureAwait(false) is { } epmd && CommandLineOf(epmd)?.StartsWith("epmd ", StringComparison.Ordinal) == true)
                {
                    await KillAndWaitAsync(epmd).ConfigureAwait(false);
                }

                Directory.Delete(folder, recursive: true);
            }
            catch (Exception exception) when (exception is IOException or InvalidOperationException or UnauthorizedAccessException or ArgumentException)
            {
                // Another test process may be cleaning the same orphan; it is not ours to fail over.
            }
        }
    }

    private static async Task<int?> ReadPidAsync(string path)
        => File.Exists(path) && int.TryParse((await File.ReadAllTextAsync(path).ConfigureAwait(false)).Trim(), out var pid) ? pid : null;

    private static string? CommandLineOf(int processId)
    {
        try
        {
            return File.ReadAllText($"/proc/{processId}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string FindServerScript()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("RABBITMQ_SERVER") is { Length: > 0 } configured)
        {
            candidates.Add(configured);
        }

        // Not /usr/sbin/rabbitmq-server: Debian's wrapper there switches user itself and sends the output to /var/log.
        candidates.Add(DefaultServerScript);
        return candidates.FirstOrDefault(File.Exists) ?? throw new InvalidOperationException($"RabbitMQ's server ({DefaultServerScript}) was not found. {InstallHint}");
    }

    /// <summary>
    /// The node's Erlang VM (beam.smp): from the pid file the node writes, or, before it has, the process whose command
    /// line carries this node's home folder. Null when there is none.
    /// </summary>
    private async Task<int?> VmProcessIdAsync()
    {
        if (await ReadPidAsync(PidFile).ConfigureAwait(false) is { } pid && CommandLineOf(pid)?.Contains(_root, StringComparison.Ordinal) == true)
        {
            return pid;
        }

        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), out var candidate) && CommandLineOf(candidate) is { } commandLine
                && commandLine.Contains("beam", StringComparison.Ordinal) && commandLine.Contains($"-home {_root} ", StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        return null;
    }

    private static void Signal(string signal, int? processId)
    {
        if (processId is null)
        {
            return;
        }

        using var kill = Process.Start("kill", [$"-{signal}", processId.Value.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private static async Task KillAndWaitAsync(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            process.Kill();
            await process.WaitForExitAsync().ConfigureAwait(false);
        }
        catch (ArgumentException)
        {
            // Gone already.
        }
    }

    private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        using var process = Process.Start(new ProcessStartInfo(fileName, arguments) { RedirectStandardError = true, UseShellExecute = false })
            ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error.ConfigureAwait(false)}");
        }
    }
}
