using System.Globalization;
using Commerce.Testing;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>
/// The front end as a real process (the build of src/WebFrontend), a Production client of a test's silo cluster on a
/// free loopback port: for what must be the process's own, such as its metrics (in the test process, every host's
/// instruments would be counted together).
/// </summary>
public sealed class FrontEndProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private FrontEndProcess(ChildProcess process, Uri address, Task started)
    {
        _process = process;
        Address = address;
        Started = started;
    }

    public Uri Address { get; }

    /// <summary>Completes once it listens and is connected to the cluster; faults if it exits first.</summary>
    public Task Started { get; }

    /// <param name="vnPaySettings">The merchant's settings in colon form ("VnPay:TmnCode"), as the silos have them.</param>
    public static FrontEndProcess Start(string name, string connectionString, string logDirectory, IReadOnlyDictionary<string, string?> vnPaySettings)
    {
        var address = new Uri($"http://127.0.0.1:{FreePorts.Next().ToString(CultureInfo.InvariantCulture)}");
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = address.ToString().TrimEnd('/'),
            ["ConnectionStrings__Postgres"] = connectionString,
            ["Auth__Issuer"] = Tokens.Issuer,
            ["Auth__Audience"] = Tokens.Audience,
            ["Auth__SigningKey"] = Tokens.SigningKey,
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
            ["Logging__LogLevel__WebFrontend.Hosting.ClusterConnection"] = "Information",
        };
        foreach (var (key, value) in vnPaySettings)
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value ?? "";
        }

        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = ChildProcess.Start(name, BuiltProject.Dll("WebFrontend"), environment, logDirectory, onLine: line =>
        {
            if (line.Contains("Now listening on:", StringComparison.Ordinal))
            {
                listening.TrySetResult();
            }
            else if (line.Contains("Connected to the silo cluster.", StringComparison.Ordinal))
            {
                connected.TrySetResult();
            }
        }, onExit: code =>
        {
            var exited = new InvalidOperationException($"Front end {name} exited with {code} before it started; see {logDirectory}/{name}.log.");
            listening.TrySetException(exited);
            connected.TrySetException(exited);
        });
        return new FrontEndProcess(process, address, Task.WhenAll(listening.Task, connected.Task));
    }

    /// <summary>kill -9, and wait until the process is gone: requests in flight get no answer.</summary>
    public Task KillAsync() => _process.KillAsync();

    public async ValueTask DisposeAsync()
    {
        await _process.TerminateAsync(TimeSpan.FromSeconds(10));
        await _process.DisposeAsync();
    }
}
