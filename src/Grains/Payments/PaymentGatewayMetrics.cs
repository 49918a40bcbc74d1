using System.Diagnostics.Metrics;

namespace Grains.Payments;

/// <summary>
/// The gateway's health as numbers: calls by outcome (success, failure, rejected by the open circuit) and circuit
/// openings. What an operator graphs during a gateway outage (case C12), and what tests await.
/// </summary>
public sealed class PaymentGatewayMetrics
{
    public const string MeterName = "Commerce.Payments";
    public const string CallsName = "commerce.payment_gateway.calls";
    public const string CircuitOpenedName = "commerce.payment_gateway.circuit_opened";

    private readonly Counter<long> _calls;
    private readonly Counter<long> _circuitOpened;

    public PaymentGatewayMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _calls = meter.CreateCounter<long>(CallsName, description: "Calls to the payment gateway (one per attempt), by outcome: success, failure, rejected.");
        _circuitOpened = meter.CreateCounter<long>(CircuitOpenedName, description: "Times the payment gateway's circuit opened.");
    }

    public void Succeeded() => _calls.Add(1, new KeyValuePair<string, object?>("outcome", "success"));

    public void Failed() => _calls.Add(1, new KeyValuePair<string, object?>("outcome", "failure"));

    public void Rejected() => _calls.Add(1, new KeyValuePair<string, object?>("outcome", "rejected"));

    public void CircuitOpened() => _circuitOpened.Add(1);
}
