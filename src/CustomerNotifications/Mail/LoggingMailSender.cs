using Microsoft.Extensions.Logging;
using MimeKit;

namespace CustomerNotifications.Mail;

/// <summary>The embedded mode's mail (no Smtp:Host): each mail is logged, with its recipient and subject, and not sent.</summary>
public sealed partial class LoggingMailSender(ILogger<LoggingMailSender> logger) : IMailSender
{
    public Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        LogMail(logger, message.To.ToString(), message.Subject, message.MessageId, message.TextBody);
        return Task.CompletedTask;
    }

    [LoggerMessage(1, LogLevel.Information, "Mail to {To}: \"{Subject}\" (Message-Id {MessageId}); not sent, Smtp:Host is not set.\n{Body}")]
    private static partial void LogMail(ILogger logger, string to, string? subject, string? messageId, string? body);
}
