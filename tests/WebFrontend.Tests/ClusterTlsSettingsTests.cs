using Commerce.Testing;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>
/// The silo process and the ClusterTls settings (README "Network model"): an unusable certificate stops the start
/// naming the setting, and outside Development a silo without one that listens beyond loopback warns that whoever
/// reaches its ports can call any grain.
/// </summary>
public sealed class ClusterTlsSettingsTests
{
    private const string OpenPortsWarning = "ClusterTls:CertificatePath is not set, and the silo port";

    [Fact]
    public async Task A_silo_refuses_to_start_with_a_certificate_path_that_is_no_file()
    {
        var (failure, log) = await StartSiloAsync("Production", new Dictionary<string, string>
        {
            ["ClusterTls__CertificatePath"] = "/nonexistent/cluster.pfx",
        });

        Assert.True(failure is InvalidOperationException, $"{failure}\n{log}");
        Assert.Contains("OptionsValidationException", log, StringComparison.Ordinal);
        Assert.Contains("ClusterTls:CertificatePath: there is no file /nonexistent/cluster.pfx.", log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Production", true, true)]
    [InlineData("Staging", true, true)]
    [InlineData("Production", false, false)]
    [InlineData("Development", true, false)]
    public async Task A_silo_without_a_certificate_warns_when_it_listens_beyond_loopback(string environment, bool listenOnAnyAddress, bool warns)
    {
        var (failure, log) = await StartSiloAsync(environment, new Dictionary<string, string>
        {
            ["Endpoints__ListenOnAnyHostAddress"] = listenOnAnyAddress ? "true" : "false",
        });

        // The warning is logged as the silo starts, before the host's "Application started" that Started waits for.
        Assert.True(failure is null, $"{failure}\n{log}");
        Assert.Equal(warns, log.Contains(OpenPortsWarning, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_silo_with_a_certificate_does_not_warn_whatever_it_listens_on()
    {
        using var files = new ClusterCertificates();
        using var certificate = ClusterCertificates.SelfSigned("commerce-cluster");
        var (failure, log) = await StartSiloAsync("Production", new Dictionary<string, string>
        {
            ["Endpoints__ListenOnAnyHostAddress"] = "true",
            ["ClusterTls__CertificatePath"] = files.Pfx(certificate),
            ["ClusterTls__CertificatePassword"] = ClusterCertificates.Password,
        });

        Assert.True(failure is null, $"{failure}\n{log}");
        Assert.DoesNotContain(OpenPortsWarning, log, StringComparison.Ordinal);
    }

    /// <summary>Starts a silo process and stops it again: whether it started, and its whole log.</summary>
    private static async Task<(Exception? Failure, string Log)> StartSiloAsync(string environment, Dictionary<string, string> settings)
    {
        var connectionString = await SharedPostgres.CreateDatabaseAsync();
        var logs = Path.Combine(Path.GetTempPath(), $"cluster-tls-settings-{Guid.NewGuid():N}");
        settings["DOTNET_ENVIRONMENT"] = environment;
        settings["VnPay__TmnCode"] = TestPayments.TmnCode;
        settings["VnPay__HashSecret"] = TestPayments.HashSecret;
        var silo = SiloProcess.Start("silo", connectionString, logs, settings);
        Exception? failure;
        try
        {
            failure = await Record.ExceptionAsync(() => silo.Started.WaitAsync(TimeSpan.FromMinutes(2)));
        }
        finally
        {
            await silo.DisposeAsync();
        }

        return (failure, await File.ReadAllTextAsync(Path.Combine(logs, "silo.log")));
    }
}
