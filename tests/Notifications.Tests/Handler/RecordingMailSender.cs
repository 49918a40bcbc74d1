using CustomerNotifications.Mail;
using MimeKit;

namespace Notifications.Tests.Handler;

/// <summary>A mail sender that keeps what it was given, and fails the next sends with what a test queued.</summary>
public sealed class RecordingMailSender : IMailSender
{
    private readonly Queue<Exception> _failures = new();
    private readonly List<MimeMessage> _sent = [];

    public IReadOnlyList<MimeMessage> Sent => _sent;

    public int Attempts { get; private set; }

    public void FailNext(Exception exception) => _failures.Enqueue(exception);

    public Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        Attempts++;
        if (_failures.TryDequeue(out var failure))
        {
            throw failure;
        }

        _sent.Add(message);
        return Task.CompletedTask;
    }
}
