namespace Grains.Payments;

/// <summary>
/// The payment gateway as the grains see it. Building a pay URL is local; asking about a payment is a call that goes
/// through the gateway's resilience pipeline, whose circuit also decides whether new payments are opened at all.
/// </summary>
public interface IPaymentGateway
{
    /// <summary>Whether to open new payments now: not while the gateway's circuit is open (case C12).</summary>
    GatewayAvailability Availability { get; }

    /// <summary>The customer's pay URL for a payment, and the gateway's creation time that later queries quote.</summary>
    PaymentSession CreateSession(PaymentSessionRequest request);

    /// <summary>
    /// What the gateway knows of a payment: a report once a transaction ended (successfully or not), null while none
    /// has (pending, or the customer has not reached the pay page). Throws <see cref="PaymentGatewayException"/> when
    /// the gateway fails or its circuit is open.
    /// </summary>
    Task<PaymentReport?> QueryAsync(PaymentLookup lookup, CancellationToken cancellationToken);
}

/// <summary>Whether the gateway takes new payments, and if not, how long until it is tried again.</summary>
public readonly record struct GatewayAvailability(bool IsAccepting, TimeSpan RetryAfter)
{
    public static GatewayAvailability Accepting => new(true, TimeSpan.Zero);
}

public sealed record PaymentSessionRequest(string PaymentId, long Amount, string OrderInfo, string ClientIp, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <param name="GatewayCreatedAt">The creation time as the gateway reads it (its own format), quoted by every query.</param>
public sealed record PaymentSession(string PayUrl, string GatewayCreatedAt);

public sealed record PaymentLookup(string PaymentId, string OrderInfo, string GatewayCreatedAt);

/// <summary>The gateway could not answer: it failed, answered something unverifiable, or its circuit is open.</summary>
public sealed class PaymentGatewayException : Exception
{
    public PaymentGatewayException()
    {
    }

    public PaymentGatewayException(string message)
        : base(message)
    {
    }

    public PaymentGatewayException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
