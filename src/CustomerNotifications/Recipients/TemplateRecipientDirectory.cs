using Microsoft.Extensions.Options;
using MimeKit;

namespace CustomerNotifications.Recipients;

/// <summary>Addresses from <see cref="NotificationOptions"/>: the customer's from its template, the refund desk's as configured.</summary>
public sealed class TemplateRecipientDirectory : IRecipientDirectory
{
    private readonly RecipientAddressTemplate _template;

    public TemplateRecipientDirectory(IOptions<NotificationOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        // The options were validated (ValidateOnStart); these only fail if something skipped that.
        _template = RecipientAddressTemplate.TryParse(settings.RecipientAddress, out var template, out var error)
            ? template
            : throw new InvalidOperationException($"Notifications:RecipientAddress: {error}");
        RefundDesk = MailAddresses.TryParseAddress(settings.RefundDeskAddress, out var desk)
            ? desk
            : throw new InvalidOperationException("Notifications:RefundDeskAddress is not an e-mail address.");
    }

    public MailboxAddress RefundDesk { get; }

    public ValueTask<MailboxAddress> CustomerAsync(string customerId, CancellationToken cancellationToken)
        => ValueTask.FromResult(_template.AddressOf(customerId));
}
