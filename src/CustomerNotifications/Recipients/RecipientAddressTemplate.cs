using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using MimeKit;

namespace CustomerNotifications.Recipients;

/// <summary>
/// <c>Notifications:RecipientAddress</c>: an address with <c>{customer_id}</c> in its local part. Customer ids are the
/// API's identifiers (1 to 64 letters, digits, '-' or '_'), which are valid in a local part as they are, so the
/// template is checked once at start with the longest id and each id is only checked against that rule.
/// </summary>
public sealed class RecipientAddressTemplate
{
    public const string Placeholder = "{customer_id}";
    public const int MaxCustomerIdLength = 64;

    private static readonly SearchValues<char> s_customerIdChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private readonly string _template;

    private RecipientAddressTemplate(string template) => _template = template;

    public static bool TryParse(string? text, [NotNullWhen(true)] out RecipientAddressTemplate? template, [NotNullWhen(false)] out string? error)
    {
        template = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the template is empty.";
            return false;
        }

        var first = text.IndexOf(Placeholder, StringComparison.Ordinal);
        var at = text.LastIndexOf('@');
        if (first < 0 || first != text.LastIndexOf(Placeholder, StringComparison.Ordinal))
        {
            error = $"'{text}' must contain {Placeholder} exactly once.";
            return false;
        }

        if (at < first + Placeholder.Length)
        {
            error = $"'{text}' must have {Placeholder} before the '@' (in the mailbox name, not the domain).";
            return false;
        }

        foreach (var sample in (string[])["a", new string('Z', MaxCustomerIdLength), "customer_1-x"])
        {
            if (!MailAddresses.TryParseAddress(text.Replace(Placeholder, sample, StringComparison.Ordinal), out _))
            {
                error = $"'{text}' does not form an e-mail address (with customer id '{sample}').";
                return false;
            }
        }

        template = new RecipientAddressTemplate(text);
        error = null;
        return true;
    }

    public static bool IsCustomerId(string? customerId)
        => customerId is { Length: > 0 and <= MaxCustomerIdLength } && !customerId.AsSpan().ContainsAnyExcept(s_customerIdChars);

    /// <summary>The customer's address; <see cref="FormatException"/> if the id is not one the API issues.</summary>
    public MailboxAddress AddressOf(string customerId)
    {
        if (!IsCustomerId(customerId))
        {
            throw new FormatException("The customer id is not 1 to 64 letters, digits, '-' or '_'.");
        }

        return MailAddresses.TryParseAddress(_template.Replace(Placeholder, customerId, StringComparison.Ordinal), out var address)
            ? address
            : throw new FormatException($"Customer id '{customerId}' does not form an e-mail address with the template.");
    }

    public override string ToString() => _template;
}
