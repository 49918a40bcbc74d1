using Commerce.Testing;
using CustomerNotifications.Inbox;
using CustomerNotifications.Mail;
using IntegrationEvents;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Tests.Infrastructure;

namespace Notifications.Tests.Handler;

/// <summary>The handler on the in-memory inbox with a recording mail sender: what it mails, once, and what it counts.</summary>
public sealed class NotificationHandlerTests : IDisposable
{
    private readonly HandlerHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Each_notified_event_becomes_one_mail_to_its_customer_or_the_refund_desk()
    {
        const string customer = "alice-01";
        var paid = TestEvents.Paid(customer, orderId: "order-1", total: 23_391_000);
        var expired = TestEvents.Expired(customer, orderId: "order-2");
        var cancelled = TestEvents.Cancelled(customer, orderId: "order-3");
        var refund = TestEvents.RefundRequired(customer, orderId: "order-4", reason: RefundReasons.SoldOut);

        foreach (var @event in new[] { paid, expired, cancelled, refund })
        {
            await _harness.Handler.HandleAsync(@event, CancellationToken.None);
        }

        var mails = _harness.Mail.Sent;
        Assert.Equal(
            [
                ("alice-01@customers.example.com", "Payment received for order order-1"),
                ("alice-01@customers.example.com", "Order order-2 expired unpaid"),
                ("alice-01@customers.example.com", "Order order-3 was cancelled"),
                (NotificationsWorkerSettings.RefundDesk, "Refund required: 5,000,000 VND for order order-4"),
            ],
            mails.Select(m => (m.To.Mailboxes.Single().Address, m.Subject)));
        Assert.All(mails, m => Assert.Equal("no-reply@shop.example.com", m.From.Mailboxes.Single().Address));
        Assert.Equal($"{paid.Id:N}@shop.example.com", mails[0].MessageId);
        Assert.Equal(paid.OccurredAt, mails[0].Date);
        Assert.Equal(paid.Id.ToString(), mails[0].Headers[NotificationMails.EventIdHeader]);
        Assert.Equal("auto-generated", mails[0].Headers["Auto-Submitted"]);
        Assert.Contains("Amount:   23,391,000 VND", mails[0].TextBody, StringComparison.Ordinal);
        Assert.Contains("sold out", mails[3].TextBody, StringComparison.Ordinal);
        Assert.Contains("Customer:     alice-01", mails[3].TextBody, StringComparison.Ordinal);
        foreach (var @event in new[] { paid, expired, cancelled, refund })
        {
            Assert.Equal(InboxOutcome.Sent, _harness.Inbox.OutcomeOf(@event.Id));
            Assert.Equal(1, HandlerHarness.Total(_harness.Handled, @event.Type));
            Assert.Equal(1, HandlerHarness.Total(_harness.Sent, @event.Type));
        }
    }

    [Fact]
    public async Task A_redelivered_event_is_skipped_and_counted_as_a_duplicate()
    {
        var paid = TestEvents.Paid("bob");

        for (var delivery = 0; delivery < 3; delivery++)
        {
            await _harness.Handler.HandleAsync(paid, CancellationToken.None);
        }

        Assert.Single(_harness.Mail.Sent);
        Assert.Equal(1, HandlerHarness.Total(_harness.Handled, EventTypes.OrderPaid));
        Assert.Equal(2, HandlerHarness.Total(_harness.Duplicates, EventTypes.OrderPaid));
    }

    [Fact]
    public async Task A_send_that_fails_leaves_the_event_unhandled_and_its_redelivery_sends_the_same_mail()
    {
        var expired = TestEvents.Expired("carol");
        _harness.Mail.FailNext(new IOException("connection reset"));

        await Assert.ThrowsAsync<IOException>(() => _harness.Handler.HandleAsync(expired, CancellationToken.None));
        Assert.True(_harness.Inbox.HasSeen(expired.Id));
        Assert.Null(_harness.Inbox.OutcomeOf(expired.Id));
        Assert.Equal(0, HandlerHarness.Total(_harness.Handled, EventTypes.OrderExpired));

        await _harness.Handler.HandleAsync(expired, CancellationToken.None);

        var mail = Assert.Single(_harness.Mail.Sent);
        Assert.Equal($"{expired.Id:N}@shop.example.com", mail.MessageId);
        Assert.Equal((2, InboxOutcome.Sent), (_harness.Mail.Attempts, _harness.Inbox.OutcomeOf(expired.Id)));
        Assert.Equal(1, HandlerHarness.Total(_harness.Handled, EventTypes.OrderExpired));
    }

    [Fact]
    public async Task A_mail_refused_for_good_is_handled_as_undeliverable_and_not_sent_again()
    {
        var cancelled = TestEvents.Cancelled("dave");
        _harness.Mail.FailNext(new UndeliverableMailException("550 no such user"));

        await _harness.Handler.HandleAsync(cancelled, CancellationToken.None);
        await _harness.Handler.HandleAsync(cancelled, CancellationToken.None);

        Assert.Empty(_harness.Mail.Sent);
        Assert.Equal(1, _harness.Mail.Attempts);
        Assert.Equal(InboxOutcome.Undeliverable, _harness.Inbox.OutcomeOf(cancelled.Id));
        Assert.Equal(1, HandlerHarness.Total(_harness.Undeliverable, EventTypes.OrderCancelled));
        Assert.Equal(1, HandlerHarness.Total(_harness.Duplicates, EventTypes.OrderCancelled));
    }

    public static TheoryData<string, IntegrationEvent> Unmailable => new()
    {
        { "not JSON", TestEvents.Paid("erin") with { Payload = "{\"order_id\":" } },
        { "null payload", TestEvents.Paid("erin") with { Payload = "null" } },
        { "no customer", TestEvents.Paid("erin") with { Payload = "{\"order_id\":\"o-1\",\"total\":1,\"currency\":\"VND\",\"payment_id\":\"p\",\"transaction_no\":\"t\",\"paid_at\":\"2026-12-02T10:30:00Z\"}" } },
        { "customer id that is no identifier", TestEvents.Paid("erin@example.com") },
        { "customer id too long", TestEvents.Expired(new string('x', 65)) },
        { "order id with a line break", TestEvents.Cancelled("erin", orderId: "o-1\r\nBcc: everyone@example.com") },
        { "negative total", TestEvents.Paid("erin", total: -1) },
        { "no time", TestEvents.Expired("erin") with { Payload = "{\"order_id\":\"o-1\",\"customer_id\":\"erin\",\"status\":\"EXPIRED\",\"total\":1,\"currency\":\"VND\"}" } },
        { "currency that is no code", TestEvents.Paid("erin") with { Payload = TestEvents.Paid("erin").Payload.Replace("\"VND\"", "\"dong\"", StringComparison.Ordinal) } },
        { "refund without a reason", TestEvents.RefundRequired(null) with { Payload = TestEvents.RefundRequired(null).Payload.Replace("\"order_ended\"", "\"\"", StringComparison.Ordinal) } },
    };

    [Theory]
    [MemberData(nameof(Unmailable))]
    public async Task An_event_that_cannot_become_a_mail_is_a_FormatException_and_leaves_no_claim(string because, IntegrationEvent @event)
    {
        var exception = await Assert.ThrowsAsync<FormatException>(() => _harness.Handler.HandleAsync(@event, CancellationToken.None));

        Assert.False(_harness.Inbox.HasSeen(@event.Id), because);
        Assert.Empty(_harness.Mail.Sent);
        Assert.NotEmpty(exception.Message);
    }

    [Fact]
    public async Task Events_of_other_types_notify_nobody_and_leave_no_trace()
    {
        var other = TestEvents.Paid("frank") with { Type = "product.created" };

        await _harness.Handler.HandleAsync(other, CancellationToken.None);

        Assert.False(_harness.Inbox.HasSeen(other.Id));
        Assert.Equal(0, _harness.Mail.Attempts);
        Assert.Empty(_harness.Handled.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task The_lag_is_the_time_from_the_event_to_its_handling()
    {
        var paid = TestEvents.Paid("gina", at: TestEvents.At);
        _harness.Clock.Advance(TimeSpan.FromMilliseconds(1_500));

        await _harness.Handler.HandleAsync(paid, CancellationToken.None);

        var lag = Assert.Single(_harness.Lag.GetMeasurementSnapshot());
        Assert.Equal(1_500, lag.Value);
        Assert.Equal(EventTypes.OrderPaid, lag.Tags[CustomerNotifications.NotificationMetrics.EventTypeTag]);
    }

    [Fact]
    public async Task The_embedded_mode_logs_each_mail_once_through_the_in_process_publisher()
    {
        using var embedded = new HandlerHarness(recordMails: false);
        var publisher = new InProcessEventPublisher(embedded.Services.GetRequiredService<IIntegrationEventHandler>());
        IntegrationEvent[] batch = [TestEvents.Paid("ines", orderId: "order-9"), TestEvents.RefundRequired(null, orderId: "order-9")];

        // The relay sends a batch again when it could not mark it delivered.
        await publisher.PublishAsync(batch, CancellationToken.None);
        await publisher.PublishAsync(batch, CancellationToken.None);

        Assert.IsType<LoggingMailSender>(embedded.Services.GetRequiredService<IMailSender>());
        var logged = embedded.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Category == typeof(LoggingMailSender).FullName).Select(r => r.Message).ToList();
        Assert.Equal(2, logged.Count);
        Assert.Contains("Mail to ines@customers.example.com: \"Payment received for order order-9\"", logged[0], StringComparison.Ordinal);
        Assert.Contains($"Mail to {NotificationsWorkerSettings.RefundDesk}: \"Refund required: 5,000,000 VND for order order-9\"", logged[1], StringComparison.Ordinal);
        Assert.Equal(1, HandlerHarness.Total(embedded.Duplicates, EventTypes.OrderPaid));
        Assert.Equal(1, HandlerHarness.Total(embedded.Duplicates, EventTypes.PaymentRefundRequired));
    }
}
