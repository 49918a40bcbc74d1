using Grains.Payments;

namespace Grains.Tests;

/// <summary>
/// A payment gateway for the grains' unit tests: always available, pay URLs on example.test, and a status API that
/// has never heard of a payment. The real protocol, polling and the circuit are exercised by the API tests against
/// the simulator.
/// </summary>
public sealed class SilentPaymentGateway : IPaymentGateway
{
    public GatewayAvailability Availability => GatewayAvailability.Accepting;

    public PaymentSession CreateSession(PaymentSessionRequest request)
        => new($"https://pay.example.test/{request.PaymentId}?amount={request.Amount}", request.CreatedAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));

    public Task<PaymentReport?> QueryAsync(PaymentLookup lookup, CancellationToken cancellationToken) => Task.FromResult<PaymentReport?>(null);
}
