using System.Net;
using System.Text;
using Commerce.Testing;
using CustomerNotifications.Mail;
using IntegrationEvents;
using Notifications.Tests.Infrastructure;
using RabbitMQ.Client;

namespace Notifications.Tests;

/// <summary>One worker process for <see cref="WorkerDeliveryTests"/>: its own sink, database, exchange and queue on the shared broker.</summary>
public sealed class DeliveryWorker : IAsyncLifetime
{
    public WorkerRig Rig { get; private set; } = null!;

    public NotificationsWorker Worker { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Rig = await WorkerRig.CreateAsync(await SharedRabbitMq.ServerAsync());
        Worker = await Rig.StartWorkerAsync("delivery-worker");
    }

    public async Task DisposeAsync() => await Rig.DisposeAsync();
}

/// <summary>
/// The worker as a process, fed through RabbitMQ by a plain publisher, mailing through a real SMTP server, its inbox
/// in a real PostgreSQL. The tests of this class share the worker and run one after the other; each counts only what
/// it caused. Exactness: the worker handles one delivery at a time in queue order, so once a sentinel event published
/// last has been mailed, everything published before it has been dealt with — a mail more would be there by then
/// (while nothing fails: a failed event is retried behind the deliveries the worker holds).
/// </summary>
public sealed class WorkerDeliveryTests(DeliveryWorker fixture) : IClassFixture<DeliveryWorker>
{
    private WorkerRig Rig => fixture.Rig;

    private SmtpSink Sink => Rig.Sink;

    [Fact]
    public async Task Each_event_mails_its_customer_or_the_refund_desk_with_its_subject_once()
    {
        string alice = TestEvents.NewCustomerId(), bob = TestEvents.NewCustomerId();
        IntegrationEvent[] events =
        [
            TestEvents.Paid(alice), TestEvents.Paid(bob), TestEvents.Paid(alice),
            TestEvents.Expired(alice), TestEvents.Expired(bob),
            TestEvents.Cancelled(bob),
            TestEvents.RefundRequired(alice),
        ];

        var mails = await PublishAndReadMailsAsync(events);

        Assert.Equal(events.Length, mails.Count);
        foreach (var (@event, mail) in events.Zip(mails))
        {
            Assert.Equal(@event.Id.ToString(), mail.Message.Headers[NotificationMails.EventIdHeader]);
            var payloadCustomer = @event.Type == EventTypes.PaymentRefundRequired ? null : CustomerOf(@event);
            var expectedTo = payloadCustomer is null ? NotificationsWorkerSettings.RefundDesk : NotificationsWorkerSettings.AddressOf(payloadCustomer);
            Assert.Equal([expectedTo], mail.Recipients);
            Assert.Equal(expectedTo, Assert.Single(mail.Message.To.Mailboxes).Address);
            Assert.Equal(ExpectedSubject(@event), mail.Subject);
            Assert.Equal($"{@event.Id:N}@shop.example.com", mail.MessageId);
            Assert.Equal("no-reply@shop.example.com", mail.MailFrom);
        }

        Assert.Contains("23,391,000 VND", mails[0].Text, StringComparison.Ordinal);
        var rows = await InboxRowsAsync(events);
        Assert.All(rows, row => Assert.Equal(("sent", 1, true), (row.State, row.Attempts, row.Handled)));
        Assert.Equal(events.Select(e => (e.Id, e.Type)).Order(), rows.Select(r => (r.EventId, r.EventType)).Order());
    }

    [Fact]
    public async Task An_event_published_50_times_is_mailed_once_and_has_one_inbox_row()
    {
        var @event = TestEvents.Paid(TestEvents.NewCustomerId());

        var mails = await PublishAndReadMailsAsync([.. Enumerable.Repeat(@event, 50)]);

        var mail = Assert.Single(mails);
        Assert.Equal($"{@event.Id:N}@shop.example.com", mail.MessageId);
        var row = Assert.Single(await InboxRowsAsync([@event]));
        Assert.Equal(("sent", 1), (row.State, row.Attempts));
    }

    [Fact]
    public async Task Messages_that_are_not_events_or_cannot_be_mailed_are_dead_lettered_and_the_queue_goes_on()
    {
        var notOurs = new BasicProperties { MessageId = "not-a-guid", Type = EventTypes.OrderPaid, DeliveryMode = DeliveryModes.Persistent };
        var badPayload = TestEvents.Paid(TestEvents.NewCustomerId()) with { Payload = "{\"order_id\": 42" };
        var badCustomer = TestEvents.Paid("not an identifier!");
        var deadLetters = Rig.Bus.ReadAsync(Rig.Queue + ".rejected", 3);

        await Rig.Bus.PublishRawAsync(EventTypes.OrderPaid, notOurs, Encoding.UTF8.GetBytes("{}"));
        var mails = await PublishAndReadMailsAsync([badPayload, badCustomer]);

        Assert.Empty(mails);
        var rejected = await deadLetters.WaitAsync(Waits.Signal);
        Assert.Equal(["not-a-guid", badPayload.Id.ToString(), badCustomer.Id.ToString()], rejected.Select(m => m.BasicProperties.MessageId));
        Assert.Empty(await InboxRowsAsync([badPayload, badCustomer]));
    }

    [Fact]
    public async Task A_mail_the_server_defers_is_sent_after_backing_off_and_recorded_once()
    {
        var @event = TestEvents.Cancelled(TestEvents.NewCustomerId());
        var before = Sink.Mails.Count;
        await Sink.DeferAsync(2);

        // Alone: a deferred event goes back to the queue behind whatever the worker already holds.
        await Rig.Bus.PublishAsync(@event);
        await Sink.WaitForMailAsync(mail => IsMailOf(mail, @event)).WaitAsync(Waits.Signal);
        var afterIt = await PublishAndReadMailsAsync([]);

        Assert.Empty(afterIt);
        Assert.Single(Sink.Mails.Skip(before), mail => IsMailOf(mail, @event));
        // Two claims that the server deferred, the third sent: the inbox counts every attempt.
        var row = Assert.Single(await InboxRowsAsync([@event]));
        Assert.Equal(("sent", 3), (row.State, row.Attempts));
    }

    [Fact]
    public async Task A_recipient_the_server_refuses_for_good_is_recorded_undeliverable_and_not_tried_again()
    {
        var customer = TestEvents.NewCustomerId();
        await Sink.RefuseAsync(NotificationsWorkerSettings.AddressOf(customer));
        var @event = TestEvents.Paid(customer);

        var mails = await PublishAndReadMailsAsync([@event]);

        Assert.Empty(mails);
        var row = Assert.Single(await InboxRowsAsync([@event]));
        Assert.Equal(("undeliverable", 1, true), (row.State, row.Attempts, row.Handled));
    }

    [Fact]
    public async Task The_worker_is_live_and_ready_while_it_consumes()
    {
        using var http = new HttpClient { BaseAddress = await fixture.Worker.Listening.WaitAsync(Waits.Signal) };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
    }

    /// <summary>
    /// Publishes <paramref name="events"/> then a sentinel, waits for the sentinel's mail, and returns the mails that
    /// arrived in between: exactly what the events caused.
    /// </summary>
    private async Task<IReadOnlyList<ReceivedMail>> PublishAndReadMailsAsync(IntegrationEvent[] events)
    {
        var before = Sink.Mails.Count;
        var sentinel = TestEvents.Paid(TestEvents.NewCustomerId());
        var sentinelMail = Sink.WaitForMailAsync(m => IsMailOf(m, sentinel));
        await Rig.Bus.PublishAsync([.. events, sentinel]);
        var all = await sentinelMail.WaitAsync(Waits.Signal);
        var index = all.ToList().FindIndex(m => IsMailOf(m, sentinel));
        Assert.Equal(all.Count - 1, index);
        return [.. all.Skip(before).Take(index - before)];
    }

    private static bool IsMailOf(ReceivedMail mail, IntegrationEvent @event) => mail.Message.Headers[NotificationMails.EventIdHeader] == @event.Id.ToString();

    private async Task<IReadOnlyList<InboxRow>> InboxRowsAsync(IEnumerable<IntegrationEvent> events)
    {
        var ids = events.Select(e => e.Id).ToHashSet();
        return [.. (await InboxTable.ReadAsync(Rig.Database)).Where(row => ids.Contains(row.EventId))];
    }

    private static string CustomerOf(IntegrationEvent @event) => @event.Type switch
    {
        EventTypes.OrderPaid => System.Text.Json.JsonSerializer.Deserialize(@event.Payload, EventJson.Default.OrderPaidPayload)!.CustomerId,
        _ => System.Text.Json.JsonSerializer.Deserialize(@event.Payload, EventJson.Default.OrderEndedPayload)!.CustomerId,
    };

    private static string ExpectedSubject(IntegrationEvent @event) => @event.Type switch
    {
        EventTypes.OrderPaid => $"Payment received for order {@event.AggregateId}",
        EventTypes.OrderExpired => $"Order {@event.AggregateId} expired unpaid",
        EventTypes.OrderCancelled => $"Order {@event.AggregateId} was cancelled",
        _ => $"Refund required: 5,000,000 VND for order {@event.AggregateId}",
    };
}
