using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Commerce.Testing;

namespace Benchmarks;

/// <summary>
/// The VNPay gateway simulator as a real operating-system process (the build of src/PaymentGateway) on a
/// loopback port it picks itself, with its output in a log file. It prints <c>payment-gateway listening on
/// &lt;address&gt;</c> once it serves; <see cref="StartAsync"/> returns then, with that address.
/// </summary>
public sealed class PaymentGatewayProcess : IAsyncDisposable
{
    private const string ListeningPrefix = "payment-gateway listening on ";

    private readonly ChildProcess _process;

    private PaymentGatewayProcess(ChildProcess process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.ProcessId;

    public bool HasExited => _process.HasExited;

    /// <summary>Where merchants send customers (<c>VnPay:PayUrl</c> of the silos).</summary>
    public Uri PayUrl => new(BaseAddress, "/paymentv2/vpcpay.html");

    /// <summary>The querydr API (<c>VnPay:ApiUrl</c> of the silos).</summary>
    public Uri ApiUrl => new(BaseAddress, "/merchant_webapi/api/transaction");

    /// <summary>
    /// Starts the simulator for one merchant with IPNs going to <paramref name="ipnUrl"/>; <paramref name="settings"/>
    /// are more <c>--Key=value</c> options (e.g. <c>Ipn:RetryInterval</c>).
    /// </summary>
    public static async Task<PaymentGatewayProcess> StartAsync(
        string tmnCode, string hashSecret, Uri ipnUrl, string logDirectory, IReadOnlyDictionary<string, string>? settings = null, TimeSpan? timeout = null)
    {
        var gateway = BuiltProject.Dll("PaymentGateway");
        List<string> arguments =
        [
            // Port 0: the simulator binds a free port and announces it, so there is no window for another process to take it.
            "--urls", "http://127.0.0.1:0",
            $"--Merchant:TmnCode={tmnCode}",
            $"--Merchant:HashSecret={hashSecret}",
            $"--Merchant:IpnUrl={ipnUrl}",
        ];
        arguments.AddRange((settings ?? new Dictionary<string, string>()).Select(pair => $"--{pair.Key}={pair.Value}"));

        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = ChildProcess.Start("payment-gateway", gateway, new Dictionary<string, string>(), logDirectory, arguments, line =>
        {
            if (line.StartsWith(ListeningPrefix, StringComparison.Ordinal))
            {
                listening.TrySetResult(line[ListeningPrefix.Length..]);
            }
        });

        var limit = timeout ?? TimeSpan.FromMinutes(1);
        using var deadline = new CancellationTokenSource(limit);
        while (!listening.Task.IsCompleted)
        {
            if (process.HasExited)
            {
                await process.DisposeAsync();
                throw new InvalidOperationException($"The gateway simulator exited with {process.ExitCode} before it listened (see {process.Name}.log).");
            }

            if (deadline.IsCancellationRequested)
            {
                await process.DisposeAsync();
                throw new TimeoutException($"The gateway simulator did not announce its address within {limit} (see {process.Name}.log).");
            }

            await Task.WhenAny(listening.Task, Task.Delay(TimeSpan.FromMilliseconds(100)));
        }

        // With several addresses (not with one --urls), the first will do: all are loopback here.
        var address = (await listening.Task).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)[0];
        return new PaymentGatewayProcess(process, new Uri(address));
    }

    /// <summary>GET /_sim/stats: query requests, injected query failures, IPN attempts (every copy and retry).</summary>
    public async Task<JsonObject> StatsAsync(HttpClient http)
        => (await http.GetFromJsonAsync<JsonObject>(new Uri(BaseAddress, "/_sim/stats")))!;

    /// <summary>GET /_sim/ipn-log: every IPN attempt, with the merchant's answer and the outcome.</summary>
    public async Task<JsonArray> IpnLogAsync(HttpClient http)
        => (await http.GetFromJsonAsync<JsonArray>(new Uri(BaseAddress, "/_sim/ipn-log")))!;

    /// <summary>SIGTERM, then wait for the graceful shutdown to finish (kill after the timeout).</summary>
    public Task TerminateAsync(TimeSpan timeout) => _process.TerminateAsync(timeout);

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
