using CustomerNotifications.Recipients;
using IntegrationEvents;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Text;

namespace CustomerNotifications.Mail;

/// <summary>
/// The mail each notified event becomes: to the customer for an order paid, expired or cancelled, to the refund desk
/// for a refund. Built from the event alone, so a mail sent again for the same event is the same mail: same
/// Message-Id (the event id at the sender's domain), same Date (when the event occurred), same text.
/// </summary>
public sealed class NotificationMails
{
    /// <summary>The event's id and type on every mail, for whoever traces a mail back to its event.</summary>
    public const string EventIdHeader = "X-Commerce-Event-Id";
    public const string EventTypeHeader = "X-Commerce-Event-Type";

    private readonly IRecipientDirectory _recipients;
    private readonly MailboxAddress _from;
    private readonly string _messageIdDomain;

    public NotificationMails(IRecipientDirectory recipients, IOptions<SmtpOptions> smtp)
    {
        ArgumentNullException.ThrowIfNull(smtp);
        _recipients = recipients;
        _from = MailAddresses.TryParseMailbox(smtp.Value.From ?? SmtpOptions.LoggedFrom, out var from)
            ? from
            : throw new InvalidOperationException("Smtp:From is not an e-mail address.");
        _messageIdDomain = MailAddresses.Domain(_from);
    }

    /// <summary>Whether an event of this type is mailed to anyone; other types are not ours to act on.</summary>
    public static bool Notifies(string eventType)
        => eventType is EventTypes.OrderPaid or EventTypes.OrderExpired or EventTypes.OrderCancelled or EventTypes.PaymentRefundRequired;

    /// <summary>The mail for <paramref name="event"/>; <see cref="FormatException"/> if its payload cannot make one.</summary>
    public async ValueTask<MimeMessage> ComposeAsync(IntegrationEvent @event, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var (to, subject, text) = @event.Type switch
        {
            EventTypes.OrderPaid => await PaidAsync(EventPayloads.Read(@event, EventJson.Default.OrderPaidPayload), cancellationToken).ConfigureAwait(false),
            EventTypes.OrderExpired => await EndedAsync(EventPayloads.Read(@event, EventJson.Default.OrderEndedPayload), cancelled: false, cancellationToken).ConfigureAwait(false),
            EventTypes.OrderCancelled => await EndedAsync(EventPayloads.Read(@event, EventJson.Default.OrderEndedPayload), cancelled: true, cancellationToken).ConfigureAwait(false),
            EventTypes.PaymentRefundRequired => RefundRequired(EventPayloads.Read(@event, EventJson.Default.RefundRequiredPayload), @event.Id),
            _ => throw new ArgumentException($"Events of type '{@event.Type}' are not mailed.", nameof(@event)),
        };

        var message = new MimeMessage
        {
            Subject = subject,
            MessageId = $"{@event.Id:N}@{_messageIdDomain}",
            Date = @event.OccurredAt,
            Body = new TextPart(TextFormat.Plain) { Text = text },
        };
        message.From.Add(_from);
        message.To.Add(to);
        // RFC 3834: sent by a program, so auto-responders do not answer it.
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add(EventIdHeader, @event.Id.ToString());
        message.Headers.Add(EventTypeHeader, @event.Type);
        return message;
    }

    private async ValueTask<(MailboxAddress, string, string)> PaidAsync(OrderPaidPayload paid, CancellationToken cancellationToken)
    {
        var orderId = EventPayloads.Text(paid.OrderId, "order_id");
        var to = await _recipients.CustomerAsync(EventPayloads.Text(paid.CustomerId, "customer_id"), cancellationToken).ConfigureAwait(false);
        return (to, $"Payment received for order {orderId}",
            $"""
            Thank you: we received your payment for order {orderId}.

            Amount:   {EventPayloads.Amount(paid.Total, paid.Currency, "total")}
            Paid at:  {EventPayloads.Time(paid.PaidAt, "paid_at")}
            Payment:  {EventPayloads.Text(paid.PaymentId, "payment_id")} (transaction {EventPayloads.Text(paid.TransactionNo, "transaction_no")})
            """);
    }

    private async ValueTask<(MailboxAddress, string, string)> EndedAsync(OrderEndedPayload ended, bool cancelled, CancellationToken cancellationToken)
    {
        var orderId = EventPayloads.Text(ended.OrderId, "order_id");
        var to = await _recipients.CustomerAsync(EventPayloads.Text(ended.CustomerId, "customer_id"), cancellationToken).ConfigureAwait(false);
        var amount = EventPayloads.Amount(ended.Total, ended.Currency, "total");
        var time = EventPayloads.Time(ended.EndedAt, "ended_at");
        return cancelled
            ? (to, $"Order {orderId} was cancelled",
                $"""
                Your order {orderId} was cancelled, as you asked, on {time}. Nothing was charged.

                Amount:   {amount}
                """)
            : (to, $"Order {orderId} expired unpaid",
                $"""
                Your order {orderId} was not paid in time: it expired on {time} and its items went back on sale.
                Nothing was charged. To buy them still, please place a new order.

                Amount:   {amount}
                """);
    }

    private (MailboxAddress, string, string) RefundRequired(RefundRequiredPayload refund, Guid eventId)
    {
        var orderId = EventPayloads.Text(refund.OrderId, "order_id");
        var amount = EventPayloads.Amount(refund.Amount, refund.Currency, "amount");
        var reason = EventPayloads.Text(refund.Reason, "reason");
        return (_recipients.RefundDesk, $"Refund required: {amount} for order {orderId}",
            $"""
            Money arrived that pays for nothing and must go back to the customer.

            Reason:       {Explain(reason)}
            Amount:       {amount}
            Paid at:      {EventPayloads.Time(refund.PaidAt, "paid_at")}
            Payment:      {EventPayloads.Text(refund.PaymentId, "payment_id")} (gateway transaction {EventPayloads.Text(refund.TransactionNo, "transaction_no")})
            Order:        {orderId} (status when the money came: {EventPayloads.OptionalText(refund.OrderStatus, "order_status") ?? "unknown"})
            Customer:     {EventPayloads.OptionalText(refund.CustomerId, "customer_id") ?? "unknown"}
            Event:        {eventId}
            """);
    }

    // A reason this code does not know yet is still a refund: shown as it came.
    private static string Explain(string reason) => reason switch
    {
        RefundReasons.OrderEnded => "the order had been cancelled or had expired (order_ended)",
        RefundReasons.OrderAlreadyPaid => "the order was already paid by another transaction (order_already_paid)",
        RefundReasons.SoldOut => "the order's items were sold out when the money came (sold_out)",
        RefundReasons.UnknownOrder => "no such order (unknown_order)",
        RefundReasons.SecondSuccess => "the payment had already succeeded with another transaction (second_success)",
        _ => reason,
    };
}
