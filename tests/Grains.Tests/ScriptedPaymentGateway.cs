using System.Collections.Concurrent;
using System.Globalization;
using Grains.Payments;

namespace Grains.Tests;

/// <summary>
/// A payment gateway for the grains' unit tests: always available, pay URLs on example.test, and a status API that
/// answers what the test scripted, one answer per query, and knows nothing of the payment once the script runs out.
/// Every query counts in the product's gateway metrics, as the real gateway's do. The real protocol and the circuit
/// are exercised by the API tests against the simulator.
/// </summary>
public sealed class ScriptedPaymentGateway(PaymentGatewayMetrics metrics) : IPaymentGateway
{
    private readonly ConcurrentQueue<Func<PaymentLookup, PaymentReport?>> _answers = new();

    public GatewayAvailability Availability => GatewayAvailability.Accepting;

    public void AnswerNext(Func<PaymentLookup, PaymentReport?> answer) => _answers.Enqueue(answer);

    public void FailNext() => AnswerNext(_ => throw new PaymentGatewayException("Scripted gateway failure."));

    public PaymentSession CreateSession(PaymentSessionRequest request)
        => new($"https://pay.example.test/{request.PaymentId}?amount={request.Amount}", request.CreatedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));

    public Task<PaymentReport?> QueryAsync(PaymentLookup lookup, CancellationToken cancellationToken)
    {
        try
        {
            var report = _answers.TryDequeue(out var answer) ? answer(lookup) : null;
            metrics.Succeeded();
            return Task.FromResult(report);
        }
        catch (PaymentGatewayException exception)
        {
            metrics.Failed();
            return Task.FromException<PaymentReport?>(exception);
        }
    }
}
