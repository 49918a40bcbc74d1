using Commerce.Testing;
using Notifications.Tests.Infrastructure;

namespace Notifications.Tests;

/// <summary>The worker refuses to start on settings it cannot work with, naming the setting, before it connects anywhere.</summary>
public sealed class WorkerStartupTests
{
    private static readonly string s_logs = Path.Combine(Path.GetTempPath(), $"notifications-startup-tests-{Guid.NewGuid():N}");

    [Fact]
    public async Task Without_a_broker_uri_the_worker_refuses_to_start_and_says_so()
    {
        var settings = Settings();
        settings.Remove("RabbitMq__Uri");

        var (code, output) = await RunUntilExitAsync("no-broker", settings);

        Assert.Equal(1, code);
        Assert.Contains("notifications cannot start: RabbitMq:Uri is not set", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_inbox_database_the_worker_refuses_to_start_and_says_so()
    {
        var settings = Settings();
        settings.Remove("ConnectionStrings__Notifications");

        var (code, output) = await RunUntilExitAsync("no-database", settings);

        Assert.Equal(1, code);
        Assert.Contains("ConnectionStrings:Notifications is not set", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_recipient_template_that_cannot_form_an_address_stops_the_start_naming_it()
    {
        var settings = Settings();
        settings["Notifications__RecipientAddress"] = "customers.example.com";

        var (code, output) = await RunUntilExitAsync("bad-template", settings);

        Assert.Equal(1, code);
        Assert.Contains("notifications cannot start:", output, StringComparison.Ordinal);
        Assert.Contains("Notifications:RecipientAddress: 'customers.example.com' must contain {customer_id} exactly once.", output, StringComparison.Ordinal);
    }

    // Nothing listens at these addresses: a worker that got past its checks would hang on them, not exit.
    private static Dictionary<string, string> Settings() => new()
    {
        ["RabbitMq__Uri"] = "amqp://guest:guest@127.0.0.1:1/",
        ["ConnectionStrings__Notifications"] = "Host=127.0.0.1;Port=1;Username=postgres;Database=notifications",
        ["Smtp__Host"] = "127.0.0.1",
        ["Smtp__Port"] = "1",
        ["Smtp__SecureSocketOptions"] = "None",
        ["Smtp__From"] = NotificationsWorkerSettings.From,
        ["Notifications__RecipientAddress"] = NotificationsWorkerSettings.RecipientTemplate,
        ["Notifications__RefundDeskAddress"] = NotificationsWorkerSettings.RefundDesk,
    };

    private static async Task<(int Code, string Output)> RunUntilExitAsync(string name, Dictionary<string, string> settings)
    {
        await using var worker = NotificationsWorker.Start(name, settings, s_logs);
        var code = await worker.Exited.WaitAsync(Waits.Start);
        return (code, worker.PlainOutput);
    }
}
