using System.Diagnostics;
using System.Net;
using Commerce.Testing;

namespace Benchmarks;

/// <summary>
/// The HTTP front end as a real operating-system process (the build of src/WebFrontend) in cluster-client
/// mode on a free loopback port, with its output in a log file.
/// </summary>
public sealed class WebFrontendProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private WebFrontendProcess(ChildProcess process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.ProcessId;

    /// <summary>
    /// Starts the front end on <paramref name="port"/> (a free one if not given: pass one when another process must
    /// know the address before this one starts). <paramref name="name"/> names the log file, for runs with several.
    /// <paramref name="settings"/> override the defaults, which include the benchmarks' VNPay merchant
    /// (<see cref="Merchant.Environment"/>): the front end refuses to start without one.
    /// </summary>
    public static WebFrontendProcess Start(string connectionString, string signingKey, string logDirectory, IReadOnlyDictionary<string, string>? settings = null,
        string name = "web-frontend", int? port = null)
    {
        var frontend = BuiltProject.Dll("WebFrontend");
        var baseAddress = new Uri($"http://127.0.0.1:{port ?? FreePorts.Next()}");
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = connectionString,
            ["ASPNETCORE_URLS"] = baseAddress.ToString().TrimEnd('/'),
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Auth__SigningKey"] = signingKey,
        };
        foreach (var (key, value) in Merchant.Environment().Concat(settings ?? new Dictionary<string, string>()))
        {
            environment[key] = value;
        }

        var process = ChildProcess.Start(name, frontend, environment, logDirectory);
        return new WebFrontendProcess(process, baseAddress);
    }

    /// <summary>Polls GET /health/ready until it answers 200 (database and silos reachable).</summary>
    public async Task WaitUntilReadyAsync(HttpClient http, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        var last = "no answer yet";
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The front end exited with {_process.ExitCode} before it was ready (see {_process.Name}.log).");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(BaseAddress, "/health/ready"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (HttpRequestException exception)
            {
                last = exception.Message;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        throw new TimeoutException($"The front end was not ready within {timeout}: {last}.");
    }

    /// <summary>SIGTERM, then wait for the graceful shutdown to finish (kill after the timeout).</summary>
    public Task TerminateAsync(TimeSpan timeout) => _process.TerminateAsync(timeout);

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
