using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Payments.VnPay;
using PaymentGateway.Hosting;
using PaymentGateway.Merchant;

namespace PaymentGateway.Ipn;

/// <summary>
/// Delivers one copy of an IPN under VNPay's retry rule: an attempt succeeds only when the merchant answers HTTP 200
/// with JSON whose RspCode is 00 or 02; anything else (another code, another status, a body that is not that JSON, a
/// timeout, a refused connection) is tried again after the retry interval, up to the retry limit.
/// </summary>
public sealed class IpnDelivery(
    IHttpClientFactory clients,
    MerchantAccount merchant,
    IOptions<IpnOptions> options,
    IpnLog log,
    SimulatorStats stats,
    TimeProvider time,
    ILogger<IpnDelivery> logger)
{
    public const string HttpClientName = "ipn";

    /// <summary>
    /// Runs every attempt of one copy. Never throws: it runs unobserved beside the dispatcher. Sets
    /// <paramref name="firstAttemptEnded"/> once the first attempt is over (or will never happen), which is what a
    /// reordered batch waits on before releasing the next notification.
    /// </summary>
    public async Task DeliverAsync(IpnNotification notification, int copy, TaskCompletionSource firstAttemptEnded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentNullException.ThrowIfNull(firstAttemptEnded);
        var attempt = 0;
        try
        {
            if (notification.Faults.DelayMs > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(notification.Faults.DelayMs), time, cancellationToken);
            }

            var settings = options.Value;
            for (attempt = 1; ; attempt++)
            {
                var ipnUrl = merchant.IpnUrl;
                if (ipnUrl is null)
                {
                    // Nowhere to send it; the merchant would see this as a missing IPN and fall back to querydr.
                    logger.LogWarning("No IPN URL is configured; the IPN for {TxnRef} is not delivered.", notification.TxnRef);
                    log.Record(Entry(notification, copy, attempt, new AttemptResult(null, null, "no IPN URL is configured"), IpnOutcomes.GaveUp, null));
                    return;
                }

                var url = HttpUrl.WithQuery(ipnUrl, notification.SignedQuery);
                var result = await AttemptAsync(url, settings.Timeout, cancellationToken);
                stats.IpnAttempted();
                var outcome = result.IsConfirmed ? IpnOutcomes.Confirmed : attempt > settings.MaxRetries ? IpnOutcomes.GaveUp : IpnOutcomes.Retrying;
                log.Record(Entry(notification, copy, attempt, result, outcome, url));
                firstAttemptEnded.TrySetResult();
                if (outcome != IpnOutcomes.Retrying)
                {
                    return;
                }

                await Task.Delay(settings.RetryInterval, time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The gateway is stopping; undelivered IPNs die with it, as they would with a crashed gateway.
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Nobody awaits this task, so a bug here would otherwise vanish; make it visible in the log and the IPN log.
            logger.LogError(exception, "Delivering the IPN for {TxnRef} failed unexpectedly.", notification.TxnRef);
            log.Record(Entry(notification, copy, attempt, new AttemptResult(null, null, "simulator error: " + exception.Message), IpnOutcomes.GaveUp, null));
        }
        finally
        {
            firstAttemptEnded.TrySetResult();
        }
    }

    private async Task<AttemptResult> AttemptAsync(string url, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(limit, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await clients.CreateClient(HttpClientName).GetAsync(url, linked.Token);
            var status = (int)response.StatusCode;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return new AttemptResult(status, null, null);
            }

            var body = await response.Content.ReadAsByteArrayAsync(linked.Token);
            try
            {
                var reply = JsonSerializer.Deserialize(body, VnPayJsonContext.Default.VnPayIpnReply);
                return reply?.RspCode is { } code ? new AttemptResult(status, code, null) : new AttemptResult(status, null, "the reply has no RspCode");
            }
            catch (JsonException exception)
            {
                return new AttemptResult(status, null, "the reply is not JSON: " + exception.Message);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AttemptResult(null, null, $"no answer within {limit}");
        }
        catch (HttpRequestException exception)
        {
            return new AttemptResult(null, null, exception.Message);
        }
    }

    private IpnAttempt Entry(IpnNotification notification, int copy, int attempt, AttemptResult result, string outcome, string? url)
        => new(notification.TxnRef, notification.TransactionNo, copy, attempt, result.RspCode, result.HttpStatus, result.Error, outcome, time.GetUtcNow(), url);

    private sealed record AttemptResult(int? HttpStatus, string? RspCode, string? Error)
    {
        public bool IsConfirmed => HttpStatus == StatusCodes.Status200OK && IpnReplyCodes.IsFinal(RspCode);
    }
}
