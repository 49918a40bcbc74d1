namespace Grains.Diagnostics;

/// <summary>
/// What the front end puts into Orleans' <c>RequestContext</c> for every grain call it makes, so a silo's logs name
/// the HTTP request and the user a grain call serves (case C13). The trace id travels as W3C trace context.
/// </summary>
public static class RequestContextKeys
{
    public const string RequestId = "request_id";

    public const string UserId = "user_id";
}
