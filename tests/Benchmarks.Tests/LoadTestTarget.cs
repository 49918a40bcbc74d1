using System.Globalization;
using Commerce.Testing;

namespace Benchmarks.Tests;

/// <summary>
/// The product as the load generator meets it, as processes on loopback: the embedded front end (src/WebFrontend
/// without a database: one silo in process, demo data) in Production with a signing key and a VNPay merchant made
/// for the test, on free ports (HTTP and its silo's), and the gateway simulator, whose IPNs go to that front end.
/// Ready once the simulator announced its address and the front end said it listens, demo data seeded.
/// </summary>
public sealed class LoadTestTarget : IAsyncLifetime
{
    public const string SigningKey = "load-test-smoke-signing-key-0123456789";

    private const string TmnCode = "LOADTEST";
    private const string HashSecret = "load-test-smoke-merchant-hash-secret-0123456789";
    private const string GatewayListening = "payment-gateway listening on ";
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(2);

    private ChildProcess? _gateway;
    private ChildProcess? _frontend;

    public string LogDirectory { get; } = Path.Combine(Path.GetTempPath(), $"loadtest-smoke-{Guid.NewGuid():N}");

    public Uri FrontEnd { get; } = new($"http://127.0.0.1:{FreePorts.Next().ToString(CultureInfo.InvariantCulture)}");

    public async Task InitializeAsync()
    {
        var gatewayAddress = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _gateway = ChildProcess.Start("payment-gateway", BuiltProject.Dll("PaymentGateway"), new Dictionary<string, string>(), LogDirectory,
            [
                // Port 0: the simulator binds a free port and announces it.
                "--urls", "http://127.0.0.1:0",
                $"--Merchant:TmnCode={TmnCode}",
                $"--Merchant:HashSecret={HashSecret}",
                $"--Merchant:IpnUrl={new Uri(FrontEnd, "/api/v1/webhooks/vnpay/ipn")}",
            ],
            onLine: line =>
            {
                if (line.StartsWith(GatewayListening, StringComparison.Ordinal))
                {
                    gatewayAddress.TrySetResult(line[GatewayListening.Length..].Split(',')[0].Trim());
                }
            },
            onExit: code => gatewayAddress.TrySetException(new InvalidOperationException($"The gateway simulator exited with {code} (see {LogDirectory}/payment-gateway.log).")));
        var gateway = new Uri(await gatewayAddress.Task.WaitAsync(s_startTimeout));

        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seeded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _frontend = ChildProcess.Start("web-frontend", BuiltProject.Dll("WebFrontend"), new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = FrontEnd.ToString().TrimEnd('/'),
            ["Auth__SigningKey"] = SigningKey,
            ["Endpoints__SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Endpoints__GatewayPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["VnPay__TmnCode"] = TmnCode,
            ["VnPay__HashSecret"] = HashSecret,
            ["VnPay__PayUrl"] = new Uri(gateway, "/paymentv2/vpcpay.html").ToString(),
            ["VnPay__ApiUrl"] = new Uri(gateway, "/merchant_webapi/api/transaction").ToString(),
            ["VnPay__ReturnUrl"] = new Uri(FrontEnd, "/api/v1/payments/vnpay/return").ToString(),
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        }, LogDirectory,
            onLine: line =>
            {
                if (line.Contains("Now listening on:", StringComparison.Ordinal))
                {
                    listening.TrySetResult();
                }
                else if (line.Contains("Seeded ", StringComparison.Ordinal) && line.Contains("demo products", StringComparison.Ordinal))
                {
                    seeded.TrySetResult();
                }
            },
            onExit: code =>
            {
                var exited = new InvalidOperationException($"The front end exited with {code} (see {LogDirectory}/web-frontend.log).");
                listening.TrySetException(exited);
                seeded.TrySetException(exited);
            });
        await Task.WhenAll(listening.Task, seeded.Task).WaitAsync(s_startTimeout);
    }

    public async Task DisposeAsync()
    {
        foreach (var process in new[] { _frontend, _gateway })
        {
            if (process is not null)
            {
                await process.TerminateAsync(TimeSpan.FromSeconds(10));
                await process.DisposeAsync();
            }
        }

        if (Directory.Exists(LogDirectory))
        {
            Directory.Delete(LogDirectory, recursive: true);
        }
    }
}
