namespace PaymentGateway.Ipn;

/// <summary>One IPN to deliver: whose it is, its signed query string, and the faults in force when it was queued.</summary>
public sealed record IpnNotification(string TxnRef, string TransactionNo, string SignedQuery, IpnFaultSettings Faults);
