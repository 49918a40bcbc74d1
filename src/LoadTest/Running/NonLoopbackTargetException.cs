namespace LoadTest.Running;

/// <summary>A request would have left this machine (a pay URL pointing at the real gateway, say): the run stops instead.</summary>
public sealed class NonLoopbackTargetException(Uri uri)
    : InvalidOperationException($"Refused to send a request to {uri.GetLeftPart(UriPartial.Authority)}: a load test sends traffic to this machine only "
        + "(for checkout, start the front end with VnPay:PayUrl on the gateway simulator on loopback, as ./run.sh does).");
