using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Payments.VnPay;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Grains.Payments;

/// <summary>
/// VNPay's merchant protocol 2.1.0: pay URLs signed with the hash secret, and querydr calls whose request and response
/// checksums are both checked. Every call goes through one pipeline per silo: retries with jitter around a circuit
/// breaker around a per-attempt timeout, so a failing gateway costs a bounded number of slow calls and then none.
/// </summary>
public sealed partial class VnPayGateway : IPaymentGateway, IDisposable
{
    private readonly VnPayOptions _options;
    private readonly HttpClient _http;
    private readonly ResiliencePipeline _pipeline;
    private readonly TimeProvider _time;
    private readonly ILogger<VnPayGateway> _logger;
    private readonly PaymentGatewayMetrics _metrics;
    private long _openUntilTicks;

    public VnPayGateway(IOptions<VnPayOptions> options, TimeProvider time, PaymentGatewayMetrics metrics, ILogger<VnPayGateway> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), ConnectTimeout = _options.AttemptTimeout })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _pipeline = BuildPipeline();
    }

    public GatewayAvailability Availability
    {
        get
        {
            // Open means "until the break ends": after that the next call is the trial, and orders may go ahead.
            var left = new DateTimeOffset(Interlocked.Read(ref _openUntilTicks), TimeSpan.Zero) - _time.GetUtcNow();
            return left > TimeSpan.Zero ? new GatewayAvailability(false, left) : GatewayAvailability.Accepting;
        }
    }

    public PaymentSession CreateSession(PaymentSessionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var createdAt = VnPayTime.ToText(request.CreatedAt);
        var fields = new Dictionary<string, string?>
        {
            [VnPayFields.Version] = VnPayProtocol.Version,
            [VnPayFields.Command] = VnPayProtocol.PayCommand,
            [VnPayFields.TmnCode] = _options.TmnCode,
            [VnPayFields.Amount] = VnPayAmount.ToText(request.Amount),
            [VnPayFields.CurrCode] = VnPayProtocol.Currency,
            [VnPayFields.TxnRef] = request.PaymentId,
            [VnPayFields.OrderInfo] = request.OrderInfo,
            [VnPayFields.OrderType] = _options.OrderType,
            [VnPayFields.Locale] = _options.Locale,
            [VnPayFields.ReturnUrl] = _options.ReturnUrl.AbsoluteUri,
            [VnPayFields.IpAddr] = request.ClientIp,
            [VnPayFields.CreateDate] = createdAt,
            [VnPayFields.ExpireDate] = VnPayTime.ToText(request.ExpiresAt),
        };
        return new PaymentSession($"{_options.PayUrl.AbsoluteUri}?{VnPaySignature.SignedQueryString(_options.HashSecret, fields)}", createdAt);
    }

    public async Task<PaymentReport?> QueryAsync(PaymentLookup lookup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        try
        {
            var response = await _pipeline.ExecuteAsync(async token => await MeasuredAsync(lookup, token), cancellationToken);
            return Report(response);
        }
        catch (Exception exception) when (exception is ExecutionRejectedException or HttpRequestException or PaymentGatewayException)
        {
            if (exception is BrokenCircuitException)
            {
                _metrics.Rejected();
            }

            throw exception as PaymentGatewayException ?? new PaymentGatewayException($"The gateway's status API did not answer for payment {lookup.PaymentId}.", exception);
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<VnPayQueryResponse> MeasuredAsync(PaymentLookup lookup, CancellationToken cancellationToken)
    {
        try
        {
            var response = await QueryOnceAsync(lookup, cancellationToken);
            _metrics.Succeeded();
            return response;
        }
        catch
        {
            _metrics.Failed();
            throw;
        }
    }

    /// <summary>One attempt. Each has its own request id: the gateway refuses a repeated one (94).</summary>
    private async Task<VnPayQueryResponse> QueryOnceAsync(PaymentLookup lookup, CancellationToken cancellationToken)
    {
        var request = new VnPayQueryRequest(
            RequestId: Guid.NewGuid().ToString("N"),
            Version: VnPayProtocol.Version,
            Command: VnPayProtocol.QueryCommand,
            TmnCode: _options.TmnCode,
            TxnRef: lookup.PaymentId,
            OrderInfo: lookup.OrderInfo,
            TransactionNo: null,
            TransactionDate: lookup.GatewayCreatedAt,
            CreateDate: VnPayTime.ToText(_time.GetUtcNow()),
            IpAddr: _options.ServerIp,
            SecureHash: null).Signed(_options.HashSecret);
        using var message = await _http.PostAsJsonAsync(_options.ApiUrl, request, VnPayJsonContext.Default.VnPayQueryRequest, cancellationToken);
        if (!message.IsSuccessStatusCode)
        {
            throw new PaymentGatewayException($"The gateway's status API answered HTTP {(int)message.StatusCode}.");
        }

        var response = await ReadResponseAsync(message, cancellationToken);
        if (!response.IsSignedBy(_options.HashSecret))
        {
            LogBadResponseChecksum(_logger, lookup.PaymentId);
            throw new PaymentGatewayException("The gateway's status answer has a bad checksum.");
        }

        // A signed answer about another payment or merchant (replayed, or crossed by a proxy) says nothing about this one.
        if (response.ResponseCode == QueryResponseCodes.Success && (response.TxnRef != lookup.PaymentId || response.TmnCode != _options.TmnCode))
        {
            LogMismatchedResponse(_logger, lookup.PaymentId, response.TxnRef, response.TmnCode);
            throw new PaymentGatewayException("The gateway's status answer is about another payment.");
        }

        return response.ResponseCode switch
        {
            QueryResponseCodes.Success or QueryResponseCodes.TransactionNotFound => response,
            _ => throw new PaymentGatewayException($"The gateway's status API answered {response.ResponseCode}: {response.Message}."),
        };
    }

    /// <summary>Anything but the documented JSON (an HTML page from a proxy, say) is the gateway failing, like an HTTP error.</summary>
    private static async Task<VnPayQueryResponse> ReadResponseAsync(HttpResponseMessage message, CancellationToken cancellationToken)
    {
        try
        {
            return await message.Content.ReadFromJsonAsync(VnPayJsonContext.Default.VnPayQueryResponse, cancellationToken)
                ?? throw new PaymentGatewayException("The gateway's status API answered nothing.");
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException)
        {
            throw new PaymentGatewayException("The gateway's status API answered something other than its JSON.", exception);
        }
    }

    /// <summary>A finished transaction as a report; null while there is none (not found yet, or still pending).</summary>
    private static PaymentReport? Report(VnPayQueryResponse response)
        => response.ResponseCode != QueryResponseCodes.Success || response.TransactionStatus is null or TransactionStatuses.Pending || string.IsNullOrEmpty(response.TransactionNo)
            ? null
            : new PaymentReport(
                response.TransactionNo,
                VnPayAmount.Parse(response.Amount),
                response.ResponseCode,
                response.TransactionStatus,
                response.BankCode,
                response.PayDate,
                PaymentReportSource.StatusQuery);

    private ResiliencePipeline BuildPipeline()
    {
        var failures = new PredicateBuilder()
            .Handle<HttpRequestException>()
            .Handle<PaymentGatewayException>()
            .Handle<Polly.Timeout.TimeoutRejectedException>();
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = _time };

        // Polly's retry takes at least one retry; MaxRetries = 0 means no retry strategy at all.
        if (_options.MaxRetries > 0)
        {
            pipeline.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = failures,
                MaxRetryAttempts = _options.MaxRetries,
                Delay = _options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            });
        }

        return pipeline
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = failures,
                FailureRatio = _options.BreakerFailureRatio,
                MinimumThroughput = _options.BreakerMinimumThroughput,
                SamplingDuration = _options.BreakerSamplingDuration,
                BreakDuration = _options.BreakDuration,
                OnOpened = args =>
                {
                    Interlocked.Exchange(ref _openUntilTicks, (_time.GetUtcNow() + args.BreakDuration).UtcTicks);
                    _metrics.CircuitOpened();
                    LogCircuitOpened(_logger, args.BreakDuration);
                    return ValueTask.CompletedTask;
                },
                OnHalfOpened = _ =>
                {
                    _metrics.CircuitHalfOpened();
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    Interlocked.Exchange(ref _openUntilTicks, 0);
                    _metrics.CircuitClosed();
                    LogCircuitClosed(_logger);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(_options.AttemptTimeout)
            .Build();
    }

    [LoggerMessage(300, LogLevel.Warning, "The payment gateway's circuit opened for {BreakDuration}: new orders are refused until it is tried again.")]
    private static partial void LogCircuitOpened(ILogger logger, TimeSpan breakDuration);

    [LoggerMessage(301, LogLevel.Information, "The payment gateway's circuit closed: the gateway answers again.")]
    private static partial void LogCircuitClosed(ILogger logger);

    [LoggerMessage(302, LogLevel.Warning, "Security: a status answer for payment {PaymentId} had a bad checksum; it was ignored.")]
    private static partial void LogBadResponseChecksum(ILogger logger, string paymentId);

    [LoggerMessage(303, LogLevel.Warning, "Security: the status answer for payment {PaymentId} was about payment {AnsweredTxnRef} of merchant {AnsweredTmnCode}; it was ignored.")]
    private static partial void LogMismatchedResponse(ILogger logger, string paymentId, string? answeredTxnRef, string? answeredTmnCode);
}
