using Commerce.Testing;
using CustomerNotifications.Mail;
using Messaging.RabbitMq;
using Notifications.Tests.Infrastructure;

namespace Notifications.Tests;

/// <summary>
/// The broker dies (kill -9) while the worker holds deliveries: one being mailed, others unacknowledged. A broker of
/// this test's own (a class of its own, so it starts beside the other tests' brokers).
/// </summary>
public sealed class BrokerCrashTests
{
    [Fact]
    public async Task A_broker_killed_while_the_worker_holds_deliveries_loses_none_and_mails_none_twice()
    {
        await using var broker = await RabbitMqServer.StartAsync();
        await using var rig = await WorkerRig.CreateAsync(broker);
        var worker = await rig.StartWorkerAsync("broker-crash-worker");

        // The first event's mail waits in the mail server's hands; the other two wait in the worker, unacknowledged.
        await rig.Sink.HoldAsync();
        var held = rig.Sink.NextEvent("held");
        var inHand = new[] { TestEvents.Paid(TestEvents.NewCustomerId()), TestEvents.Expired(TestEvents.NewCustomerId()), TestEvents.Cancelled(TestEvents.NewCustomerId()) };
        await rig.Bus.PublishAsync(inHand);
        await held.WaitAsync(Waits.Signal);

        var lost = worker.NextLog(entry => entry.IsFrom<RabbitMqEventConsumer>(BrokerRestartTests.ConnectionLostEventId));
        await broker.KillAsync();
        await lost.WaitAsync(Waits.Signal);
        // The event in hand is finished (mailed, marked) although its acknowledgement can no longer reach the broker.
        var firstHandled = worker.Handled(inHand[0].Id);
        await rig.Sink.ReleaseAsync();
        await firstHandled.WaitAsync(Waits.Signal);

        var consumingAgain = worker.NextConsuming();
        await broker.StartAgainAsync();
        await consumingAgain.WaitAsync(Waits.Start);
        await rig.ReconnectBusAsync();
        var sentinel = TestEvents.Paid(TestEvents.NewCustomerId());
        var sentinelHandled = worker.Handled(sentinel.Id);
        await rig.Bus.PublishAsync(sentinel);
        await sentinelHandled.WaitAsync(Waits.Signal);

        // All three came back from the broker's disk; the first was recognised in the inbox and not mailed again.
        Assert.Equal(inHand.Append(sentinel).Select(e => e.Id.ToString()), rig.Sink.Mails.Select(EventIdOf));
        var rows = await InboxTable.ReadAsync(rig.Database);
        Assert.Equal(4, rows.Count);
        Assert.All(rows, row => Assert.Equal(("sent", 1), (row.State, row.Attempts)));
    }

    private static string? EventIdOf(ReceivedMail mail) => mail.Message.Headers[NotificationMails.EventIdHeader];
}
