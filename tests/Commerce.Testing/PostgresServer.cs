using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Commerce.Testing;

/// <summary>
/// A private, throwaway PostgreSQL server: initdb into a temporary folder, started on a free loopback port with
/// fsync on (durability is what we test and measure), stopped and deleted on dispose. Uses the machine's server
/// binaries; fails with the install command when they are missing, never silently.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string InstallHint = "Install them with: apt-get update && apt-get install -y postgresql (or set PG_BIN to the folder holding initdb and pg_ctl).";
    private const string FolderPrefix = "pgserver-";

    private readonly string _binDirectory;
    private readonly string _root;
    private readonly bool _runAsPostgresUser;
    private int _disposed;

    private PostgresServer(string binDirectory, string root, bool runAsPostgresUser, int port)
    {
        _binDirectory = binDirectory;
        _root = root;
        _runAsPostgresUser = runAsPostgresUser;
        Port = port;
        ConnectionString = DatabaseConnectionString("postgres");
    }

    public int Port { get; }

    /// <summary>Connection string of the server's <c>postgres</c> database.</summary>
    public string ConnectionString { get; }

    private string DataDirectory => Path.Combine(_root, "data");

    public static async Task<PostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var binDirectory = FindBinDirectory();
        await RemoveOrphansAsync(binDirectory).ConfigureAwait(false);

        // initdb and postgres refuse to run as root: run them as the postgres account the package creates.
        var runAsPostgresUser = Environment.UserName == "root";
        var root = Path.Combine(Path.GetTempPath(), $"{FolderPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}"[..(FolderPrefix.Length + 24)]);
        Directory.CreateDirectory(root);
        await File.WriteAllTextAsync(Path.Combine(root, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        if (runAsPostgresUser)
        {
            await RunAsync("chown", ["-R", "postgres:", root], asPostgres: false, cancellationToken).ConfigureAwait(false);
        }

        var initdb = Path.Combine(binDirectory, "initdb");
        await RunAsync(initdb, ["-D", Path.Combine(root, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], runAsPostgresUser, cancellationToken).ConfigureAwait(false);

        // A port can be taken between probing and binding; try a few.
        for (var attempt = 1; ; attempt++)
        {
            var server = new PostgresServer(binDirectory, root, runAsPostgresUser, FreePorts.Next());
            try
            {
                await server.StartServerAsync(cancellationToken).ConfigureAwait(false);
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null, CancellationToken cancellationToken = default)
    {
        name ??= $"db_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return DatabaseConnectionString(name);
    }

    public string DatabaseConnectionString(string database)
        => new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database }.ConnectionString;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await StopAndDeleteAsync(_binDirectory, _root, _runAsPostgresUser).ConfigureAwait(false);
    }

    /// <summary>For process-exit handlers, where nothing can be awaited.</summary>
    public void Dispose() => Task.Run(() => DisposeAsync().AsTask()).GetAwaiter().GetResult();

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        var settings = string.Join(' ', [
            $"-p {Port}",
            "-c listen_addresses=127.0.0.1",
            $"-c unix_socket_directories={_root}",
            "-c fsync=on",
            "-c synchronous_commit=on",
            "-c max_connections=400",
        ]);
        await RunAsync(Path.Combine(_binDirectory, "pg_ctl"), ["-D", DataDirectory, "-l", Path.Combine(_root, "server.log"), "-o", settings, "-w", "-t", "60", "start"], _runAsPostgresUser, cancellationToken).ConfigureAwait(false);
    }

    private static async Task StopAndDeleteAsync(string binDirectory, string root, bool asPostgres)
    {
        try
        {
            if (File.Exists(Path.Combine(root, "data", "postmaster.pid")))
            {
                await RunAsync(Path.Combine(binDirectory, "pg_ctl"), ["-D", Path.Combine(root, "data"), "-m", "immediate", "-w", "stop"], asPostgres, CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Stops and deletes servers left behind by test processes that died without disposing them.</summary>
    private static async Task RemoveOrphansAsync(string binDirectory)
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), $"{FolderPrefix}*"))
        {
            var ownerFile = Path.Combine(folder, "owner.pid");
            if (!File.Exists(ownerFile) || !int.TryParse(await File.ReadAllTextAsync(ownerFile).ConfigureAwait(false), out var owner) || ProcessIds.IsAlive(owner))
            {
                continue;
            }

            try
            {
                await StopAndDeleteAsync(binDirectory, folder, Environment.UserName == "root").ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                // Another process may be cleaning the same orphan; it is not ours to fail over.
            }
        }
    }

    private static string FindBinDirectory()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } configured)
        {
            candidates.Add(configured);
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.EnumerateDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var version) ? version : 0)
                .Select(d => Path.Combine(d, "bin")));
        }

        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
            ?? throw new InvalidOperationException($"PostgreSQL server binaries (initdb, pg_ctl) were not found. {InstallHint}");
    }

    private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments, bool asPostgres, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var argument in (string[])["-u", "postgres", "--", fileName])
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error.ConfigureAwait(false)}{await output.ConfigureAwait(false)}");
        }
    }
}
