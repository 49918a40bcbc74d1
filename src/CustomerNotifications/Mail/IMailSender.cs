using MimeKit;

namespace CustomerNotifications.Mail;

/// <summary>
/// Hands a mail to the mail system. Completing means the server accepted it; throwing means it may not have (the
/// event is tried again), except <see cref="UndeliverableMailException"/>: the server refused it for good.
/// </summary>
public interface IMailSender
{
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}
