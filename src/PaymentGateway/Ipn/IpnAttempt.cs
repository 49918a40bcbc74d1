namespace PaymentGateway.Ipn;

/// <summary>One line of the IPN log: an attempt to deliver one copy of a notification, or a notification dropped by a fault.</summary>
public sealed record IpnAttempt(
    string TxnRef,
    string TransactionNo,
    int Copy,
    int Attempt,
    string? RspCode,
    int? HttpStatus,
    string? Error,
    string Outcome,
    DateTimeOffset At,
    string? Url);

/// <summary>The values of <see cref="IpnAttempt.Outcome"/>.</summary>
public static class IpnOutcomes
{
    /// <summary>The merchant answered 200 with RspCode 00 or 02: delivery is over.</summary>
    public const string Confirmed = "confirmed";

    /// <summary>The attempt failed and another will follow after the retry interval.</summary>
    public const string Retrying = "retrying";

    /// <summary>The attempt failed and it was the last one allowed (or there is nowhere to send it).</summary>
    public const string GaveUp = "gave_up";

    /// <summary>The drop fault swallowed the notification; it was never sent.</summary>
    public const string Dropped = "dropped";
}
