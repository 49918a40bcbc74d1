using System.Globalization;
using System.Net.Sockets;
using Commerce.Testing;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>
/// A silo serves HTTP only on the port Silo:HttpPort names (MetricsEndpointTests: what it serves there): without one it
/// listens on nothing, even with an ASPNETCORE_URLS every process on the machine would inherit, and an impossible one
/// stops its start naming the setting.
/// </summary>
public sealed class SiloHttpPortTests
{
    [Fact]
    public async Task A_silo_without_an_http_port_listens_on_no_inherited_address()
    {
        var urlsPort = FreePorts.Next();
        var (silo, logs) = await StartAsync(new() { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{urlsPort.ToString(CultureInfo.InvariantCulture)}" });
        await using (silo)
        {
            await silo.Started.WaitAsync(TimeSpan.FromMinutes(2));

            using var probe = new TcpClient();
            var refused = await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync("127.0.0.1", urlsPort));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }

        Assert.DoesNotContain("Now listening on", await File.ReadAllTextAsync(Path.Combine(logs, "silo.log")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silo_with_an_impossible_http_port_refuses_to_start_and_names_it()
    {
        var (silo, logs) = await StartAsync(new() { ["Silo__HttpPort"] = "70000" });
        Exception? failure;
        await using (silo)
        {
            failure = await Record.ExceptionAsync(() => silo.Started.WaitAsync(TimeSpan.FromMinutes(2)));
        }

        var log = await File.ReadAllTextAsync(Path.Combine(logs, "silo.log"));
        Assert.True(failure is InvalidOperationException, $"{failure}\n{log}");
        Assert.Contains("Silo:HttpPort is 70000", log, StringComparison.Ordinal);
    }

    private static async Task<(SiloProcess Silo, string Logs)> StartAsync(Dictionary<string, string> settings)
    {
        var connectionString = await SharedPostgres.CreateDatabaseAsync();
        var logs = Path.Combine(Path.GetTempPath(), $"silo-http-port-{Guid.NewGuid():N}");
        foreach (var (key, value) in TestPayments.Settings(new Uri("http://127.0.0.1:9/")))
        {
            settings[key.Replace(":", "__", StringComparison.Ordinal)] = value!;
        }

        return (SiloProcess.Start("silo", connectionString, logs, settings), logs);
    }
}
