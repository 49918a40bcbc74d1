using Microsoft.Extensions.Options;
using WebFrontend.Features.CustomerDashboard;

namespace WebFrontend.Tests.CustomerDashboard;

/// <summary>The customer dashboard's settings and sources, checked at start: each failure stops the front end, naming the setting.</summary>
public sealed class CustomerDashboardOptionsTests
{
    private static ValidateOptionsResult Validate(TimeSpan? timeout = null, (string Source, TimeSpan Timeout)? sourceTimeout = null, TimeSpan? notificationWindow = null)
    {
        var options = new CustomerDashboardOptions();
        options.Timeout = timeout ?? options.Timeout;
        options.NotificationWindow = notificationWindow ?? options.NotificationWindow;
        if (sourceTimeout is var (source, value))
        {
            options.Timeouts[source] = value;
        }

        return new CustomerDashboardOptionsValidator().Validate(null, options);
    }

    [Fact]
    public void The_defaults_pass()
        => Assert.True(Validate().Succeeded);

    [Fact]
    public void A_timeout_source_name_that_names_no_source_stops_the_start_listing_the_sources()
    {
        var result = Validate(sourceTimeout: ("order_sumary", TimeSpan.FromSeconds(1)));

        Assert.True(result.Failed);
        Assert.Equal(
            "CustomerDashboard:Timeouts:order_sumary names no dashboard source; the sources are user, permissions, order_summary, wallet, payment_status, notifications, recent_activity.",
            result.FailureMessage);
        Assert.True(Validate(sourceTimeout: ("ORDER_SUMMARY", TimeSpan.FromSeconds(1))).Succeeded);
    }

    [Theory]
    [InlineData(10, true)]
    [InlineData(9, false)]
    [InlineData(30_000, true)]
    [InlineData(30_001, false)]
    public void Timeouts_are_between_10_ms_and_30_s(int milliseconds, bool valid)
    {
        var value = TimeSpan.FromMilliseconds(milliseconds);
        var general = Validate(timeout: value);
        var ofOneSource = Validate(sourceTimeout: ("wallet", value));

        Assert.Equal(valid, general.Succeeded);
        Assert.Equal(valid, ofOneSource.Succeeded);
        if (!valid)
        {
            Assert.Equal($"CustomerDashboard:Timeout must be between 00:00:00.0100000 and 00:00:30; it is {value}.", general.FailureMessage);
            Assert.Equal($"CustomerDashboard:Timeouts:wallet must be between 00:00:00.0100000 and 00:00:30; it is {value}.", ofOneSource.FailureMessage);
        }
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(365 * 24 * 60, true)]
    [InlineData(365 * 24 * 60 + 1, false)]
    public void The_notification_window_is_positive_and_at_most_365_days(int minutes, bool valid)
    {
        var result = Validate(notificationWindow: TimeSpan.FromMinutes(minutes));

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Equal($"CustomerDashboard:NotificationWindow must be positive and at most 365 days; it is {TimeSpan.FromMinutes(minutes)}.", result.FailureMessage);
        }
    }
}
