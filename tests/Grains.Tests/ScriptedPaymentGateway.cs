using System.Collections.Concurrent;
using Grains.Payments;

namespace Grains.Tests;

/// <summary>
/// A payment gateway for the grains' unit tests: pay URLs on example.test, status answers the test sets per payment,
/// and an availability switch. The real protocol and the simulator are exercised by the API tests.
/// </summary>
public sealed class ScriptedPaymentGateway : IPaymentGateway
{
    private readonly ConcurrentDictionary<string, PaymentReport> _answers = new(StringComparer.Ordinal);
    private int _queries;

    public GatewayAvailability Availability { get; set; } = GatewayAvailability.Accepting;

    public int QueryCount => _queries;

    public void Answer(string paymentId, PaymentReport report) => _answers[paymentId] = report;

    public PaymentSession CreateSession(PaymentSessionRequest request)
        => new($"https://pay.example.test/{request.PaymentId}?amount={request.Amount}", request.CreatedAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));

    public Task<PaymentReport?> QueryAsync(PaymentLookup lookup, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _queries);
        return Task.FromResult(_answers.TryGetValue(lookup.PaymentId, out var report) ? report : null);
    }
}
