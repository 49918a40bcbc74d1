using Commerce.Testing;
using CustomerNotifications.Mail;
using IntegrationEvents;
using Notifications.Tests.Infrastructure;

namespace Notifications.Tests;

/// <summary>
/// Case C18 from the consumer's side: the worker dies with kill -9 while one event's mail is in the mail server's
/// hands unanswered and others wait in the worker unacknowledged. After a new worker starts on the same queue and
/// inbox, every event has been acted on exactly once.
/// </summary>
public sealed class WorkerCrashTests
{
    [Fact]
    public async Task A_worker_killed_with_unacknowledged_deliveries_acts_on_every_event_exactly_once_after_a_restart()
    {
        await using var rig = await WorkerRig.CreateAsync(await SharedRabbitMq.ServerAsync());
        var first = await rig.StartWorkerAsync("crash-worker-1");
        IntegrationEvent[] events = [.. Enumerable.Range(0, 10).Select(i => i % 3 == 2 ? TestEvents.Expired(TestEvents.NewCustomerId()) : TestEvents.Paid(TestEvents.NewCustomerId()))];

        // Three go through; then the mail server stops answering, as a slow one does.
        await rig.Bus.PublishAsync(events[..3]);
        await rig.Sink.WaitForMailsAsync(3).WaitAsync(Waits.Signal);
        await rig.Sink.HoldAsync();
        var held = rig.Sink.NextEvent("held");
        await rig.Bus.PublishAsync(events[3..]);
        await held.WaitAsync(Waits.Signal);

        var dropped = rig.Sink.NextEvent("dropped");
        await first.KillAsync();
        await dropped.WaitAsync(Waits.Signal);
        await rig.Sink.ReleaseAsync();

        // The crash window as the inbox shows it: the fourth event claimed, never handled; the rest not yet seen.
        var before = (await InboxTable.ReadAsync(rig.Database)).ToDictionary(row => row.EventId);
        Assert.Equal(4, before.Count);
        Assert.All(events[..3], e => Assert.Equal("sent", before[e.Id].State));
        Assert.Equal(("claimed", 1, false), (before[events[3].Id].State, before[events[3].Id].Attempts, before[events[3].Id].Handled));
        Assert.Equal(3, rig.Sink.Mails.Count);

        var second = await rig.StartWorkerAsync("crash-worker-2");
        var sentinel = TestEvents.Paid(TestEvents.NewCustomerId());
        var sentinelHandled = second.Handled(sentinel.Id);
        await rig.Bus.PublishAsync(sentinel);
        await sentinelHandled.WaitAsync(Waits.Signal);
        var mails = rig.Sink.Mails;

        // Exactly one mail per event (the sentinel last: nothing published before it is still on its way).
        Assert.Equal(events.Select(e => e.Id.ToString()).Append(sentinel.Id.ToString()).Order(), mails.Select(EventIdOf).Order());
        Assert.Equal(sentinel.Id.ToString(), EventIdOf(mails[^1]));

        var after = (await InboxTable.ReadAsync(rig.Database)).ToDictionary(row => row.EventId);
        Assert.Equal(11, after.Count);
        Assert.All(after.Values, row => Assert.Equal("sent", row.State));
        Assert.Equal(2, after[events[3].Id].Attempts);
        Assert.All(events.Where((_, i) => i != 3).Append(sentinel), e => Assert.Equal(1, after[e.Id].Attempts));
    }

    private static string? EventIdOf(ReceivedMail mail) => mail.Message.Headers[NotificationMails.EventIdHeader];
}
