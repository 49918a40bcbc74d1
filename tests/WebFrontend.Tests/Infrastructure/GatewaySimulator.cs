using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json.Serialization;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>
/// The VNPay simulator (src/PaymentGateway) run as its own process, as the backend will meet the real gateway: over
/// HTTP on a port of its choosing. Typed calls to its admin API (/_sim) let tests complete payments, inject faults
/// and read what happened.
/// </summary>
public sealed class GatewaySimulator : IAsyncDisposable
{
    /// <summary>Set to a PaymentGateway.dll to run that one instead of the build next to this repository's tests.</summary>
    public const string DllVariable = "PAYMENT_GATEWAY_DLL";

    private const string ListeningPrefix = "payment-gateway listening on ";
    private const int KeptOutputLines = 300;
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ProcessOutput _output;

    private GatewaySimulator(Process process, ProcessOutput output, string baseUrl, string tmnCode, string hashSecret)
    {
        _process = process;
        _output = output;
        BaseUrl = baseUrl;
        TmnCode = tmnCode;
        HashSecret = hashSecret;
        Http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(1) };
    }

    /// <summary>e.g. http://127.0.0.1:41234, without a trailing slash.</summary>
    public string BaseUrl { get; }

    public string PayPageUrl => BaseUrl + "/paymentv2/vpcpay.html";

    public string ApiUrl => BaseUrl + "/merchant_webapi/api/transaction";

    public string TmnCode { get; }

    public string HashSecret { get; }

    /// <summary>A client for the simulator that does not follow redirects, for calls the typed methods do not cover.</summary>
    public HttpClient Http { get; }

    /// <summary>What the process wrote lately (stdout and stderr), for failure messages.</summary>
    public string RecentOutput => _output.Text;

    public static async Task<GatewaySimulator> StartAsync(string tmnCode, string hashSecret, TimeSpan ipnRetryInterval, string? ipnUrl = null)
    {
        var dll = LocateDll();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");

        // Through the environment rather than arguments, so the secret does not show in process listings.
        start.Environment["Merchant__TmnCode"] = tmnCode;
        start.Environment["Merchant__HashSecret"] = hashSecret;
        start.Environment["Ipn__RetryInterval"] = ipnRetryInterval.ToString("c", CultureInfo.InvariantCulture);
        if (ipnUrl is null)
        {
            start.Environment.Remove("Merchant__IpnUrl");
        }
        else
        {
            start.Environment["Merchant__IpnUrl"] = ipnUrl;
        }

        var output = new ProcessOutput(KeptOutputLines);
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            output.Add(e.Data);
            if (e.Data.StartsWith(ListeningPrefix, StringComparison.Ordinal))
            {
                // Several bound addresses are listed comma-separated; the first is enough to reach it.
                listening.TrySetResult(e.Data[ListeningPrefix.Length..].Split(',')[0].Trim().TrimEnd('/'));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Add(e.Data);
            }
        };

        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var exited = process.WaitForExitAsync();
            var first = await Task.WhenAny(listening.Task, exited).WaitAsync(s_startTimeout);
            if (first != listening.Task)
            {
                throw new InvalidOperationException($"The payment gateway simulator ({dll}) exited with code {process.ExitCode} before listening:\n{output.Text}");
            }

            return new GatewaySimulator(process, output, await listening.Task, tmnCode, hashSecret);
        }
        catch (TimeoutException)
        {
            await StopAsync(process);
            throw new TimeoutException($"The payment gateway simulator ({dll}) did not report listening within {s_startTimeout}:\n{output.Text}");
        }
        catch
        {
            await StopAsync(process);
            throw;
        }
    }

    public async Task SetIpnUrlAsync(string? ipnUrl)
        => await SendAsync(HttpMethod.Put, "/_sim/merchant", JsonContent.Create(new MerchantBody(ipnUrl), GatewaySimulatorJson.Default.MerchantBody));

    public async Task SetIpnFaultsAsync(bool drop = false, int delayMs = 0, int copies = 1, int reorderWindow = 0)
        => await SendAsync(HttpMethod.Put, "/_sim/faults/ipn",
            JsonContent.Create(new IpnFaultsBody(drop, delayMs, copies, reorderWindow), GatewaySimulatorJson.Default.IpnFaultsBody));

    /// <summary><paramref name="errorMode"/> is "http500" or "code99".</summary>
    public async Task SetStatusFaultsAsync(int latencyMs = 0, double errorRate = 0, string errorMode = "http500", bool down = false)
        => await SendAsync(HttpMethod.Put, "/_sim/faults/status",
            JsonContent.Create(new StatusFaultsBody(latencyMs, errorRate, errorMode, down), GatewaySimulatorJson.Default.StatusFaultsBody));

    public async Task ResetFaultsAsync() => await SendAsync(HttpMethod.Delete, "/_sim/faults", content: null);

    /// <summary>Opens a pay URL as a shopper's browser would; asserts the page is shown (200) and returns its HTML.</summary>
    public async Task<string> OpenPayPageAsync(string payUrl)
    {
        using var response = await Http.GetAsync(new Uri(payUrl));
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Pay page answered {(int)response.StatusCode}:\n{html}");
        return html;
    }

    /// <summary>Completes a pending payment as the shopper would; <paramref name="responseCode"/> is the failure's reason (default 24).</summary>
    public async Task<SimulatedTransaction> CompleteAsync(string txnRef, bool success, string? responseCode = null)
    {
        var body = JsonContent.Create(new CompleteBody(success ? "success" : "failure", responseCode), GatewaySimulatorJson.Default.CompleteBody);
        var text = await SendAsync(HttpMethod.Post, $"/_sim/transactions/{Uri.EscapeDataString(txnRef)}/complete", body);
        return Parse(text, GatewaySimulatorJson.Default.SimulatedTransaction);
    }

    /// <summary>The transaction, or null if the simulator has never seen it.</summary>
    public async Task<SimulatedTransaction?> GetTransactionAsync(string txnRef)
    {
        using var response = await Http.GetAsync(new Uri($"/_sim/transactions/{Uri.EscapeDataString(txnRef)}", UriKind.Relative));
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        return Parse(await ReadSuccessAsync(response), GatewaySimulatorJson.Default.SimulatedTransaction);
    }

    public async Task<IReadOnlyList<SimulatedIpnAttempt>> IpnLogAsync(string? txnRef = null)
    {
        var path = txnRef is null ? "/_sim/ipn-log" : "/_sim/ipn-log?txn_ref=" + Uri.EscapeDataString(txnRef);
        return Parse(await SendAsync(HttpMethod.Get, path, content: null), GatewaySimulatorJson.Default.IReadOnlyListSimulatedIpnAttempt);
    }

    /// <summary>
    /// The IPN log of one reference once <paramref name="done"/> holds. Each read is the simulator's long poll, which
    /// answers as the next attempt is recorded: woken by the attempts themselves, no interval, fails after 30 s.
    /// </summary>
    public async Task<IReadOnlyList<SimulatedIpnAttempt>> WaitForIpnLogAsync(string txnRef, Func<IReadOnlyList<SimulatedIpnAttempt>, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var log = await IpnLogAsync(txnRef);
        while (!done(log))
        {
            var wait = (int)Math.Ceiling((deadline - DateTime.UtcNow).TotalSeconds);
            if (wait < 1)
            {
                throw new TimeoutException($"The IPN log for {txnRef} never got there: {string.Join("; ", log)}\n{RecentOutput}");
            }

            var path = $"/_sim/ipn-log?txn_ref={Uri.EscapeDataString(txnRef)}&after={log.Count}&wait={Math.Min(wait, 60)}";
            log = Parse(await SendAsync(HttpMethod.Get, path, content: null), GatewaySimulatorJson.Default.IReadOnlyListSimulatedIpnAttempt);
        }

        return log;
    }

    public async Task<SimulatorStats> StatsAsync()
        => Parse(await SendAsync(HttpMethod.Get, "/_sim/stats", content: null), GatewaySimulatorJson.Default.SimulatorStats);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await StopAsync(_process);
    }

    private async Task<string> SendAsync(HttpMethod method, string path, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        using var response = await Http.SendAsync(request);
        return await ReadSuccessAsync(response);
    }

    private static async Task<string> ReadSuccessAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}",
                inner: null, response.StatusCode);
        }

        return text;
    }

    private static T Parse<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        => System.Text.Json.JsonSerializer.Deserialize(json, typeInfo) ?? throw new InvalidOperationException("The simulator answered null: " + json);

    private static async Task StopAsync(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }
        finally
        {
            process.Dispose();
        }
    }

    /// <summary>
    /// The simulator built in the same configuration as these tests (the test project's ProjectReference builds it):
    /// src/PaymentGateway/bin/{Debug|Release}/{tfm}/PaymentGateway.dll under the repository these tests run from.
    /// </summary>
    private static string LocateDll()
    {
        if (Environment.GetEnvironmentVariable(DllVariable) is { Length: > 0 } explicitDll)
        {
            return File.Exists(explicitDll) ? Path.GetFullPath(explicitDll) : throw new FileNotFoundException($"{DllVariable} names a missing file.", explicitDll);
        }

        var configuration = typeof(GatewaySimulator).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var targetFramework = new DirectoryInfo(AppContext.BaseDirectory).Name;
        var tried = new List<string>();
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var project = Path.Combine(directory.FullName, "src", "PaymentGateway");
            if (!Directory.Exists(project))
            {
                continue;
            }

            var dll = Path.Combine(project, "bin", configuration, targetFramework, "PaymentGateway.dll");
            if (File.Exists(dll))
            {
                return dll;
            }

            tried.Add(dll);
        }

        throw new FileNotFoundException(
            $"PaymentGateway.dll not found (tried: {string.Join(", ", tried.DefaultIfEmpty("no src/PaymentGateway above " + AppContext.BaseDirectory))}). "
            + $"Build it with `dotnet build src/PaymentGateway -c {configuration}`, or set {DllVariable}.");
    }

    /// <summary>The last lines a process wrote, kept from its output events (which arrive on other threads).</summary>
    private sealed class ProcessOutput(int capacity)
    {
        private readonly Queue<string> _lines = new();
        private readonly Lock _lock = new();

        public string Text
        {
            get
            {
                lock (_lock)
                {
                    return string.Join('\n', _lines);
                }
            }
        }

        public void Add(string line)
        {
            lock (_lock)
            {
                _lines.Enqueue(line);
                if (_lines.Count > capacity)
                {
                    _lines.Dequeue();
                }
            }
        }
    }
}

/// <summary>A transaction as the simulator's admin API shows it.</summary>
public sealed record SimulatedTransaction(
    string TxnRef,
    long Amount,
    string Status,
    string? TransactionNo,
    string? ResponseCode,
    string TransactionStatus,
    string CreateDate,
    string ExpireDate,
    string? PayDate);

/// <summary>One line of the simulator's IPN log; <see cref="Outcome"/> is confirmed, retrying, gave_up or dropped.</summary>
public sealed record SimulatedIpnAttempt(
    string TxnRef,
    string TransactionNo,
    int Copy,
    int Attempt,
    string? RspCode,
    int? HttpStatus,
    string? Error,
    string Outcome,
    DateTimeOffset At,
    string? Url);

public sealed record SimulatorStats(long QueryRequests, long QueryFailuresInjected, long IpnAttempts);

public sealed record MerchantBody(string? IpnUrl);

public sealed record IpnFaultsBody(bool Drop, int DelayMs, int Copies, int ReorderWindow);

public sealed record StatusFaultsBody(int LatencyMs, double ErrorRate, string ErrorMode, bool Down);

public sealed record CompleteBody(string Outcome, string? ResponseCode);

/// <summary>The admin API's JSON (snake_case), by generated code.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SimulatedTransaction))]
[JsonSerializable(typeof(IReadOnlyList<SimulatedIpnAttempt>))]
[JsonSerializable(typeof(SimulatorStats))]
[JsonSerializable(typeof(MerchantBody))]
[JsonSerializable(typeof(IpnFaultsBody))]
[JsonSerializable(typeof(StatusFaultsBody))]
[JsonSerializable(typeof(CompleteBody))]
public sealed partial class GatewaySimulatorJson : JsonSerializerContext;
