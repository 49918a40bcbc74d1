using Commerce.Testing;
using CustomerNotifications.Mail;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Notifications.Tests.Mail;

/// <summary>The MailKit sender against the real SMTP sink: what is accepted, refused for good, or only deferred.</summary>
public sealed class SmtpMailSenderTests : IAsyncLifetime
{
    private SmtpSink _sink = null!;
    private SmtpMailSender _sender = null!;

    public async Task InitializeAsync()
    {
        _sink = await SmtpSink.StartAsync();
        _sender = new SmtpMailSender(Options.Create(new SmtpOptions
        {
            Host = _sink.Host,
            Port = _sink.Port,
            SecureSocketOptions = SecureSocketOptions.None,
            From = "no-reply@shop.example.com",
        }), NullLogger<SmtpMailSender>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _sender.DisposeAsync();
        await _sink.DisposeAsync();
    }

    [Fact]
    public async Task Mails_go_out_on_one_kept_connection_as_they_were_composed()
    {
        await _sender.SendAsync(Mail("a@customers.example.com", "first"), CancellationToken.None);
        await _sender.SendAsync(Mail("b@customers.example.com", "second"), CancellationToken.None);

        var mails = await _sink.WaitForMailsAsync(2);
        Assert.Equal([("a@customers.example.com", "first", "first@shop.example.com"), ("b@customers.example.com", "second", "second@shop.example.com")],
            mails.Select(m => (m.Recipients.Single(), m.Subject, m.MessageId)));
        Assert.Equal("no-reply@shop.example.com", mails[0].MailFrom);
    }

    [Fact]
    public async Task A_recipient_refused_for_good_is_undeliverable_and_the_next_mail_still_goes()
    {
        await _sink.RefuseAsync("gone@customers.example.com");

        await Assert.ThrowsAsync<UndeliverableMailException>(() => _sender.SendAsync(Mail("gone@customers.example.com", "refused"), CancellationToken.None));
        await _sender.SendAsync(Mail("here@customers.example.com", "accepted"), CancellationToken.None);

        Assert.Equal("accepted", Assert.Single(await _sink.WaitForMailsAsync(1)).Subject);
    }

    [Fact]
    public async Task A_deferred_mail_fails_as_a_retryable_error_and_the_next_send_connects_afresh()
    {
        await _sink.DeferAsync(1);

        var deferred = await Assert.ThrowsAsync<SmtpCommandException>(() => _sender.SendAsync(Mail("c@customers.example.com", "later"), CancellationToken.None));
        await _sender.SendAsync(Mail("c@customers.example.com", "later"), CancellationToken.None);

        Assert.Equal(451, (int)deferred.StatusCode);
        Assert.Equal("later", Assert.Single(await _sink.WaitForMailsAsync(1)).Subject);
    }

    private static MimeMessage Mail(string to, string subject)
    {
        var message = new MimeMessage { Subject = subject, MessageId = $"{subject}@shop.example.com", Body = new TextPart("plain") { Text = subject } };
        message.From.Add(MailboxAddress.Parse("no-reply@shop.example.com"));
        message.To.Add(MailboxAddress.Parse(to));
        return message;
    }
}
