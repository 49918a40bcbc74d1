using System.Diagnostics.Metrics;

namespace Grains.Payments;

/// <summary>
/// The gateway's health as numbers: calls by outcome (success, failure, rejected by the open circuit), circuit
/// openings, and the circuit's state now (one series per state, 1 for the current one: Prometheus' way of showing an
/// enumeration). What an operator graphs during a gateway outage (case C12), and what tests await. One circuit per silo.
/// </summary>
public sealed class PaymentGatewayMetrics
{
    public const string MeterName = "Commerce.Payments";
    public const string CallsName = "commerce.payment_gateway.calls";
    public const string CircuitOpenedName = "commerce.payment_gateway.circuit_opened";
    public const string CircuitStateName = "commerce.payment_gateway.circuit_state";

    private const int Closed = 0;
    private const int Open = 1;
    private const int HalfOpen = 2;

    private static readonly KeyValuePair<string, object?>[] s_states = [new("state", "closed"), new("state", "open"), new("state", "half_open")];

    private readonly Counter<long> _calls;
    private readonly Counter<long> _circuitOpened;
    private int _state = Closed;

    public PaymentGatewayMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _calls = meter.CreateCounter<long>(CallsName, description: "Calls to the payment gateway (one per attempt), by outcome: success, failure, rejected.");
        _circuitOpened = meter.CreateCounter<long>(CircuitOpenedName, description: "Times the payment gateway's circuit opened.");

        // Observed when metrics are collected, not on any call path.
        meter.CreateObservableGauge(CircuitStateName, ObserveState, description: "The payment gateway's circuit: 1 for its current state (closed, open, half_open), 0 for the others.");
    }

    public void Succeeded() => _calls.Add(1, new KeyValuePair<string, object?>("outcome", "success"));

    public void Failed() => _calls.Add(1, new KeyValuePair<string, object?>("outcome", "failure"));

    public void Rejected() => _calls.Add(1, new KeyValuePair<string, object?>("outcome", "rejected"));

    public void CircuitOpened()
    {
        Volatile.Write(ref _state, Open);
        _circuitOpened.Add(1);
    }

    /// <summary>The break is over: the next call is the trial that closes or reopens the circuit.</summary>
    public void CircuitHalfOpened() => Volatile.Write(ref _state, HalfOpen);

    public void CircuitClosed() => Volatile.Write(ref _state, Closed);

    private IEnumerable<Measurement<int>> ObserveState()
    {
        var current = Volatile.Read(ref _state);
        for (var state = Closed; state <= HalfOpen; state++)
        {
            yield return new Measurement<int>(state == current ? 1 : 0, s_states[state]);
        }
    }
}
