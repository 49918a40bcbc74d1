using System.Diagnostics.CodeAnalysis;
using MimeKit;

namespace CustomerNotifications;

/// <summary>E-mail addresses from configuration and templates, parsed strictly (RFC 5322): one mailbox, with a domain.</summary>
internal static class MailAddresses
{
    private static readonly ParserOptions s_strict = new()
    {
        AddressParserComplianceMode = RfcComplianceMode.Strict,
        AllowAddressesWithoutDomain = false,
        AllowUnquotedCommasInAddresses = false,
    };

    /// <summary>A single mailbox, with or without a display name (<c>Refund desk &lt;refunds@example.com&gt;</c>).</summary>
    public static bool TryParseMailbox(string? text, [NotNullWhen(true)] out MailboxAddress? mailbox)
    {
        mailbox = null;
        if (string.IsNullOrWhiteSpace(text) || text.AsSpan().ContainsAny('\r', '\n', '\0')
            || !MailboxAddress.TryParse(s_strict, text, out var parsed) || !HasLocalPartAndDomain(parsed.Address))
        {
            return false;
        }

        mailbox = parsed;
        return true;
    }

    /// <summary>A bare address (<c>refunds@example.com</c>), nothing else around it.</summary>
    public static bool TryParseAddress(string? text, [NotNullWhen(true)] out MailboxAddress? mailbox)
    {
        if (TryParseMailbox(text, out var parsed) && string.IsNullOrEmpty(parsed.Name) && string.Equals(parsed.Address, text, StringComparison.Ordinal))
        {
            mailbox = parsed;
            return true;
        }

        mailbox = null;
        return false;
    }

    /// <summary>The part after the '@', for Message-Ids of our own.</summary>
    public static string Domain(MailboxAddress mailbox) => mailbox.Address[(mailbox.Address.LastIndexOf('@') + 1)..];

    private static bool HasLocalPartAndDomain(string address)
    {
        var at = address.LastIndexOf('@');
        return at > 0 && at < address.Length - 1;
    }
}
