using System.Collections.Concurrent;
using System.Globalization;
using Commerce.Testing;

namespace Deploy.Tests;

/// <summary>
/// The silo turns Microsoft.Orleans.Hosting.Kubernetes on when KUBERNETES_SERVICE_HOST says it runs in a pod. Without a
/// cluster at hand, the proof is the package's own start-up check: a "pod" without POD_NAMESPACE (and without the
/// service account's namespace file, which exists only in a real pod) stops the silo naming that variable. That the
/// silo still starts without KUBERNETES_SERVICE_HOST is what every test running src/Silo as a process shows
/// (tests/WebFrontend.Tests, SiloProcess).
/// </summary>
public sealed class SiloKubernetesHostingTests
{
    [Fact]
    public async Task In_a_pod_the_silo_uses_kubernetes_hosting_which_requires_the_pod_namespace()
    {
        var log = new ConcurrentQueue<string>();
        var exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var environment = new Dictionary<string, string>
        {
            ["KUBERNETES_SERVICE_HOST"] = "127.0.0.1",
            ["KUBERNETES_SERVICE_PORT"] = "1",
            // Empty counts as unset for the package; an inherited value would hide the check.
            ["POD_NAMESPACE"] = "",
            ["POD_NAME"] = "silo-test",
            // Never reached: the check comes first. A closed port makes sure nothing else is touched if it did not.
            ["ConnectionStrings__Postgres"] = "Host=127.0.0.1;Port=1;Username=nobody;Database=none;Timeout=1",
            ["Endpoints__SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Endpoints__GatewayPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["DOTNET_ENVIRONMENT"] = "Development",
        };
        var logDirectory = Path.Combine(Path.GetTempPath(), "deploy-tests-" + Guid.NewGuid().ToString("N"));
        await using var silo = ChildProcess.Start("silo-in-pod", BuiltProject.Dll("Silo"), environment, logDirectory,
            onLine: log.Enqueue, onExit: code => exited.TrySetResult(code));

        var code = await exited.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var output = string.Join("\n", log);
        Assert.NotEqual(0, code);
        Assert.Contains("KubernetesHostingOptions", output, StringComparison.Ordinal);
        Assert.Contains("POD_NAMESPACE", output, StringComparison.Ordinal);
        Directory.Delete(logDirectory, recursive: true);
    }
}
