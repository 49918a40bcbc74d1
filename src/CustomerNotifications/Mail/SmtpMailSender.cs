using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace CustomerNotifications.Mail;

/// <summary>
/// Sends through an SMTP server with MailKit, one mail at a time on one kept connection (opened on first use, and
/// again after any failure). Servers close idle connections, which shows only when the next send fails on the kept
/// connection: that send is tried once more at once on a new one. Any other failure fails the send and the event is
/// tried again later. A failure after the mail's data went out cannot tell whether the server kept it, so a mail may
/// go twice; both copies carry the same Message-Id (derived from the event id).
/// </summary>
public sealed partial class SmtpMailSender(IOptions<SmtpOptions> options, ILogger<SmtpMailSender> logger) : IMailSender, IAsyncDisposable
{
    private readonly SmtpOptions _options = options.Value;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SmtpClient? _client;
    private int _disposed;

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed == 1, this);
            var reused = _client is { IsConnected: true };
            try
            {
                await SendOnceAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (reused && IsStaleConnection(exception))
            {
                LogStaleConnection(logger, exception.Message);
                await DropClientAsync().ConfigureAwait(false);
                await SendOnceAsync(message, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await DropClientAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task SendOnceAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        try
        {
            var client = await ConnectedClientAsync(cancellationToken).ConfigureAwait(false);
            await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (SmtpCommandException exception) when (exception.ErrorCode == SmtpErrorCode.RecipientNotAccepted && (int)exception.StatusCode >= 500)
        {
            // The connection is still good; only this recipient is refused, for good.
            throw new UndeliverableMailException($"The mail server refused {exception.Mailbox}: {(int)exception.StatusCode} {exception.Message}", exception);
        }
        catch
        {
            // After any other failure the connection's state is unknown (half a mail sent?): start the next one afresh.
            await DropClientAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<SmtpClient> ConnectedClientAsync(CancellationToken cancellationToken)
    {
        if (_client is { IsConnected: true } connected)
        {
            return connected;
        }

        await DropClientAsync().ConfigureAwait(false);
        var client = new SmtpClient { Timeout = (int)_options.Timeout.TotalMilliseconds };
        _client = client;
        var host = _options.Host ?? throw new InvalidOperationException("Smtp:Host is not set: there is no mail server to send to.");
        await client.ConnectAsync(host, _options.Port, _options.SecureSocketOptions, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(_options.User))
        {
            await client.AuthenticateAsync(_options.User, _options.Password ?? "", cancellationToken).ConfigureAwait(false);
        }

        LogConnected(logger, host, _options.Port, _options.SecureSocketOptions);
        return client;
    }

    private async Task DropClientAsync()
    {
        if (_client is not { } client)
        {
            return;
        }

        _client = null;
        try
        {
            if (client.IsConnected)
            {
                using var deadline = new CancellationTokenSource(_options.Timeout);
                await client.DisconnectAsync(quit: true, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or ProtocolException or CommandException or OperationCanceledException)
        {
            // Saying goodbye on a broken connection fails; the connection is dropped all the same.
        }
        finally
        {
            client.Dispose();
        }
    }

    private static bool IsStaleConnection(Exception exception)
        => exception is IOException or SocketException or ServiceNotConnectedException or SmtpProtocolException
            || exception is SmtpCommandException { StatusCode: SmtpStatusCode.ServiceNotAvailable };

    [LoggerMessage(1, LogLevel.Information, "Connected to the mail server {Host}:{Port} ({Security}).")]
    private static partial void LogConnected(ILogger logger, string host, int port, SecureSocketOptions security);

    [LoggerMessage(2, LogLevel.Information, "The kept mail server connection had gone ({Error}); sending on a new one.")]
    private static partial void LogStaleConnection(ILogger logger, string error);
}
