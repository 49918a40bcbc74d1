using Commerce.Testing;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using WebFrontend.Features.CustomerDashboard;
using WebFrontend.Features.CustomerDashboard.Sources;
using WebFrontend.Hosting;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests.CustomerDashboard;

/// <summary>
/// Case C2's fan-out, with sources replaced through the host's services: they run at once, each under its own
/// timeout; a non-critical one that fails or times out is a fallback named in <c>degraded</c>, a critical one a 503.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CustomerDashboardFanOutTests(ApiCluster api)
{
    private static readonly Type[] s_sourceTypes =
        [typeof(UserSource), typeof(PermissionsSource), typeof(OrderSummarySource), typeof(WalletSource), typeof(PaymentStatusSource), typeof(NotificationsSource), typeof(RecentActivitySource)];

    [Fact]
    public async Task Every_source_runs_at_once_as_none_can_finish_before_all_have_started()
    {
        var started = 0;
        var allStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Started()
        {
            if (Interlocked.Increment(ref started) == s_sourceTypes.Length)
            {
                allStarted.TrySetResult();
            }
        }

        // Sequentially, the first source would wait for the others forever (until its timeout: a 503, user being critical).
        await using var frontEnd = new FrontEnd(api.ConnectionString, settings: new Dictionary<string, string> { ["CustomerDashboard:Timeout"] = "00:00:30" },
            configureTestServices: services =>
            {
                foreach (var type in s_sourceTypes)
                {
                    services.AddSingleton<IDashboardSource>(provider => new GatedSource((IDashboardSource)provider.GetRequiredService(type), Started, allStarted.Task));
                }
            });
        await frontEnd.ConnectedAsync();
        using var client = frontEnd.ClientFor(Tokens.Customer(Seed.UniqueId("fan")));

        var reply = await client.GetJsonAsync("/api/v1/me/dashboard");

        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
        Assert.Equal(s_sourceTypes.Length, started);
        Assert.Empty(reply.Json!["degraded"]!.AsArray());
    }

    [Fact]
    public async Task A_source_slowed_2_s_past_its_timeout_and_a_failing_one_are_degraded_and_the_answer_comes_at_the_timeout()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        ScriptedSource? slow = null, failing = null;
        await using var frontEnd = new FrontEnd(api.ConnectionString,
            settings: new Dictionary<string, string> { ["CustomerDashboard:Timeout"] = "00:00:30", ["CustomerDashboard:Timeouts:wallet"] = "00:00:01" },
            configureTestServices: services =>
            {
                services.AddKeyedSingleton<TimeProvider>(CustomerDashboardFanOut.ClockKey, clock);
                services.AddSingleton<IDashboardSource>(provider => slow = new ScriptedSource(provider.GetRequiredService<WalletSource>(), release: clock.Passed(TimeSpan.FromSeconds(3))));
                services.AddSingleton<IDashboardSource>(provider => failing = new ScriptedSource(provider.GetRequiredService<NotificationsSource>(), fails: true));
            });
        await frontEnd.ConnectedAsync();
        _ = frontEnd.Services.GetRequiredService<CustomerDashboardFanOut>(); // builds the sources
        using var failures = new MetricCollector<long>(frontEnd.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            FrontendMetrics.MeterName, FrontendMetrics.CustomerDashboardSourceFailuresName);
        using var client = frontEnd.ClientFor(Tokens.Customer(Seed.UniqueId("fan")));

        var response = client.GetJsonAsync("/api/v1/me/dashboard");
        await slow!.Started.WaitAsync(TimeSpan.FromMinutes(1));
        await failing!.Started.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.False(response.IsCompleted);

        // The wallet's timeout (1 s on the dashboard's clock) fires; its source would need 2 s more, which never pass.
        clock.Advance(TimeSpan.FromSeconds(1));
        var reply = await response.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
        Assert.Equal(["notifications", "wallet"], reply.Json!["degraded"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Null(reply.Json["wallet"]);
        Assert.Equal(0, reply.Json["notifications"]!["unread"]!.GetValue<int>());
        Assert.Equal(0, reply.Json["order_summary"]!["total"]!.GetValue<int>());
        await slow.Cancelled.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(
            [("notifications", 1L), ("wallet", 1L)],
            failures.GetMeasurementSnapshot().Select(m => ((string)m.Tags["source"]!, m.Value)).Order());
    }

    [Fact]
    public async Task A_critical_source_failing_is_503_dashboard_unavailable_and_cancels_the_sources_still_running()
    {
        ScriptedSource? user = null, wallet = null;

        // user starts before wallet (sources run in name order until each first awaits): it fails only once wallet runs,
        // so what is cancelled is a source under way, not one started after the failure.
        await using var frontEnd = new FrontEnd(api.ConnectionString, settings: new Dictionary<string, string> { ["CustomerDashboard:Timeout"] = "00:00:30" },
            configureTestServices: services =>
            {
                services.AddSingleton<IDashboardSource>(provider => user = new ScriptedSource(provider.GetRequiredService<UserSource>(), fails: true,
                    failAfter: () => wallet!.Started));
                services.AddSingleton<IDashboardSource>(provider => wallet = new ScriptedSource(provider.GetRequiredService<WalletSource>()));
            });
        await frontEnd.ConnectedAsync();
        using var client = frontEnd.ClientFor(Tokens.Customer(Seed.UniqueId("fan")));

        var reply = await client.GetJsonAsync("/api/v1/me/dashboard");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, reply.Status);
        Assert.Equal("https://errors.example/dashboard-unavailable", reply.ProblemType);
        Assert.Equal("user", reply.Json!["source"]!.GetValue<string>());
        Assert.True(wallet!.Cancelled.IsCompleted);
        Assert.True(user!.Started.IsCompleted);
    }

    [Fact]
    public async Task A_request_that_ends_cancels_its_sources()
    {
        ScriptedSource? wallet = null;
        await using var frontEnd = new FrontEnd(api.ConnectionString, settings: new Dictionary<string, string> { ["CustomerDashboard:Timeout"] = "00:00:30" },
            configureTestServices: services =>
                services.AddSingleton<IDashboardSource>(provider => wallet = new ScriptedSource(provider.GetRequiredService<WalletSource>())));
        await frontEnd.ConnectedAsync();
        _ = frontEnd.Services.GetRequiredService<CustomerDashboardFanOut>(); // builds the sources
        using var client = frontEnd.ClientFor(Tokens.Customer(Seed.UniqueId("fan")));
        using var abort = new CancellationTokenSource();

        var request = client.GetAsync("/api/v1/me/dashboard", abort.Token);
        await wallet!.Started.WaitAsync(TimeSpan.FromMinutes(1));
        await abort.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        await wallet.Cancelled.WaitAsync(TimeSpan.FromMinutes(1));
    }
}
