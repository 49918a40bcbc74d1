using System.ComponentModel.DataAnnotations;
using MailKit.Security;

namespace CustomerNotifications.Mail;

/// <summary>
/// The mail server ("Smtp" section). Without <see cref="Host"/> nothing is sent: each mail is only logged (the embedded
/// mode). Secrets (<see cref="Password"/>) come from the environment.
/// </summary>
public sealed class SmtpOptions : IValidatableObject
{
    public const string SectionName = "Smtp";

    /// <summary>The SMTP server's host name or address; unset means mails are logged, not sent.</summary>
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    /// <summary>
    /// How the connection is secured (MailKit's <see cref="MailKit.Security.SecureSocketOptions"/>): <c>StartTls</c>
    /// (the default: fail unless the server upgrades to TLS), <c>SslOnConnect</c> (port 465), <c>Auto</c>,
    /// <c>StartTlsWhenAvailable</c>, or <c>None</c> (plain text: a relay on the same host, tests).
    /// </summary>
    public SecureSocketOptions SecureSocketOptions { get; set; } = SecureSocketOptions.StartTls;

    /// <summary>The account to authenticate as; unset means no authentication.</summary>
    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender, e.g. <c>Commerce &lt;no-reply@shop.example.com&gt;</c>; required with <see cref="Host"/>.</summary>
    public string? From { get; set; }

    /// <summary>How long one SMTP command may take before the send fails (and the event is tried again later).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>What mails say as their sender when nothing is sent (no <see cref="Host"/>) and no <see cref="From"/> is set.</summary>
    public const string LoggedFrom = "notifications@localhost";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Host is not null && (string.IsNullOrWhiteSpace(Host) || Uri.CheckHostName(Host) == UriHostNameType.Unknown))
        {
            yield return new ValidationResult($"Smtp:Host '{Host}' is not a host name or address.", [nameof(Host)]);
        }

        if (From is not null && !MailAddresses.TryParseMailbox(From, out _))
        {
            yield return new ValidationResult($"Smtp:From '{From}' is not an e-mail address.", [nameof(From)]);
        }

        if (!string.IsNullOrWhiteSpace(Host) && From is null)
        {
            yield return new ValidationResult("Smtp:From is required when Smtp:Host is set (the sender of every mail).", [nameof(From)]);
        }

        if (string.IsNullOrEmpty(User) != string.IsNullOrEmpty(Password))
        {
            yield return new ValidationResult("Smtp:User and Smtp:Password go together: set both or neither.", [nameof(User), nameof(Password)]);
        }

        if (!Enum.IsDefined(SecureSocketOptions))
        {
            yield return new ValidationResult("Smtp:SecureSocketOptions must be None, Auto, SslOnConnect, StartTls or StartTlsWhenAvailable.", [nameof(SecureSocketOptions)]);
        }
    }
}
