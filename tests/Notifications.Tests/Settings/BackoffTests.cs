using Messaging.RabbitMq;

namespace Notifications.Tests.Settings;

public sealed class BackoffTests
{
    [Fact]
    public void Each_failure_in_a_row_doubles_the_wait_up_to_the_cap_and_a_success_starts_over()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500));

        Assert.Equal([100, 200, 400, 500, 500], Enumerable.Range(0, 5).Select(_ => backoff.Next().TotalMilliseconds));
        Assert.Equal(5, backoff.Failures);
        backoff.Reset();
        Assert.Equal(100, backoff.Next().TotalMilliseconds);
    }

    [Fact]
    public void A_long_run_of_failures_stays_at_the_cap()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));

        var waits = Enumerable.Range(0, 200).Select(_ => backoff.Next()).ToList();

        Assert.Equal(TimeSpan.FromMinutes(1), waits[^1]);
        Assert.Equal(200, backoff.Failures);
    }
}
