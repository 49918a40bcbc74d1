using System.ComponentModel.DataAnnotations;
using CustomerNotifications.Recipients;

namespace CustomerNotifications;

/// <summary>Who is told ("Notifications" section). Both addresses are required: there is no sensible default recipient.</summary>
public sealed class NotificationOptions : IValidatableObject
{
    public const string SectionName = "Notifications";

    /// <summary>
    /// How a customer's address is made from the customer's id (the JWT subject: the product keeps no e-mail address),
    /// e.g. <c>{customer_id}@customers.example.com</c>, an address a mail system maps to the real mailbox. The
    /// placeholder must be in the part before the '@'.
    /// </summary>
    // The message is a format string: its braces are doubled.
    [Required(ErrorMessage = "Notifications:RecipientAddress is required, e.g. \"{{customer_id}}@customers.example.com\".")]
    public string? RecipientAddress { get; set; }

    /// <summary>Where refund requests go (<c>payment.refund_required</c>): the people who send money back.</summary>
    [Required(ErrorMessage = "Notifications:RefundDeskAddress is required (where refund requests are mailed).")]
    public string? RefundDeskAddress { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RecipientAddress is not null && !RecipientAddressTemplate.TryParse(RecipientAddress, out _, out var error))
        {
            yield return new ValidationResult($"Notifications:RecipientAddress: {error}", [nameof(RecipientAddress)]);
        }

        if (RefundDeskAddress is not null && !MailAddresses.TryParseAddress(RefundDeskAddress, out _))
        {
            yield return new ValidationResult($"Notifications:RefundDeskAddress '{RefundDeskAddress}' is not an e-mail address.", [nameof(RefundDeskAddress)]);
        }
    }
}
