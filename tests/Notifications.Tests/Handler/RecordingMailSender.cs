using System.Diagnostics;
using CustomerNotifications.Mail;
using MimeKit;

namespace Notifications.Tests.Handler;

/// <summary>
/// A mail sender that keeps what it was given and the span each send ran in, and fails the next sends with what a test
/// queued.
/// </summary>
public sealed class RecordingMailSender : IMailSender
{
    private readonly Queue<Exception> _failures = new();
    private readonly List<MimeMessage> _sent = [];
    private readonly List<Activity?> _spans = [];

    public IReadOnlyList<MimeMessage> Sent => _sent;

    /// <summary>For each mail of <see cref="Sent"/>, the span current when it was sent.</summary>
    public IReadOnlyList<Activity?> SentInSpans => _spans;

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
        _spans.Add(Activity.Current);
        return Task.CompletedTask;
    }
}
