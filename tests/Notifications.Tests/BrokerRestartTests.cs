using System.Net;
using Commerce.Testing;
using CustomerNotifications.Mail;
using Messaging.RabbitMq;
using Notifications.Tests.Infrastructure;

namespace Notifications.Tests;

/// <summary>
/// The broker goes away under a running worker and comes back on the same port with its data: the worker notices,
/// says it is not ready, keeps trying, consumes again by itself, and events published after the return are mailed.
/// A broker of this test's own, since stopping the shared one would pull it from under other tests.
/// </summary>
public sealed class BrokerRestartTests
{
    internal const int ConnectionLostEventId = 2;
    internal const int SessionFailedEventId = 3;

    [Fact]
    public async Task Events_published_after_the_broker_returns_are_delivered_without_restarting_the_worker()
    {
        await using var broker = await RabbitMqServer.StartAsync();
        await using var rig = await WorkerRig.CreateAsync(broker);
        var worker = await rig.StartWorkerAsync("restart-worker");
        using var http = new HttpClient { BaseAddress = await worker.Listening.WaitAsync(Waits.Signal) };
        var beforeStop = TestEvents.Paid(TestEvents.NewCustomerId());
        await rig.Bus.PublishAsync(beforeStop);
        await rig.Sink.WaitForMailsAsync(1).WaitAsync(Waits.Signal);

        var lost = worker.NextLog(entry => entry.IsFrom<RabbitMqEventConsumer>(ConnectionLostEventId));
        var refusedWhileDown = worker.NextLog(entry => entry.IsFrom<RabbitMqEventConsumer>(SessionFailedEventId));
        await broker.StopAsync();
        await lost.WaitAsync(Waits.Signal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
        await refusedWhileDown.WaitAsync(Waits.Signal);

        var consumingAgain = worker.NextConsuming();
        await broker.StartAgainAsync();
        // Published at once, whether or not the worker is back yet: its durable queue and bindings came back with the broker.
        await rig.ReconnectBusAsync();
        var afterReturn = new[] { TestEvents.Paid(TestEvents.NewCustomerId()), TestEvents.Expired(TestEvents.NewCustomerId()), TestEvents.RefundRequired(null) };
        await rig.Bus.PublishAsync(afterReturn);
        await consumingAgain.WaitAsync(Waits.Start);

        var sentinel = TestEvents.Cancelled(TestEvents.NewCustomerId());
        var sentinelHandled = worker.Handled(sentinel.Id);
        await rig.Bus.PublishAsync(sentinel);
        await sentinelHandled.WaitAsync(Waits.Signal);
        var mails = rig.Sink.Mails;

        Assert.Equal(
            new[] { beforeStop }.Concat(afterReturn).Append(sentinel).Select(e => e.Id.ToString()),
            mails.Select(EventIdOf));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
        var rows = await InboxTable.ReadAsync(rig.Database);
        Assert.Equal(5, rows.Count);
        Assert.All(rows, row => Assert.Equal(("sent", 1), (row.State, row.Attempts)));
    }

    private static string? EventIdOf(ReceivedMail mail) => mail.Message.Headers[NotificationMails.EventIdHeader];
}
