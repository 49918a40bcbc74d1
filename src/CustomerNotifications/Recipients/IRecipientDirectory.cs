using MimeKit;

namespace CustomerNotifications.Recipients;

/// <summary>
/// Where a customer's mail goes. Customers have no e-mail address in this product (a customer is a JWT subject id),
/// so the address comes from here: today a template (<see cref="TemplateRecipientDirectory"/>), later perhaps a
/// customer service. Asynchronous for that reason.
/// </summary>
public interface IRecipientDirectory
{
    /// <summary>The customer's mailbox; <see cref="FormatException"/> when there can never be one for this id.</summary>
    ValueTask<MailboxAddress> CustomerAsync(string customerId, CancellationToken cancellationToken);

    /// <summary>The refund desk's mailbox.</summary>
    MailboxAddress RefundDesk { get; }
}
