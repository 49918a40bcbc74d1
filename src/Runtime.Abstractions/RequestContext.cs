namespace Runtime;

/// <summary>
/// Who and what a grain call is serving: it flows from the caller into every grain call it makes, and on into
/// the calls those grains make, so logs on every silo can be joined by request id.
/// </summary>
public sealed record RequestContext(string? RequestId, string? UserId, string? TraceId)
{
    private static readonly AsyncLocal<RequestContext?> s_current = new();

    /// <summary>The context of the current call, or null outside any request.</summary>
    public static RequestContext? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }
}
