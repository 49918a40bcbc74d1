using System.Collections.Immutable;

namespace Grains.Idempotency;

/// <summary>
/// One idempotency key of one user (the IETF Idempotency-Key draft; case C3): remembers the request's fingerprint
/// and, once it has finished, its response, so a retry gets the first response instead of running again.
/// Keyed by <see cref="IdempotencyKeys.GrainKey"/>.
/// </summary>
[Alias("commerce.idempotency")]
public interface IIdempotencyGrain : IGrainWithStringKey
{
    /// <summary>
    /// Decides what a request with this key does: run (and the key is now in flight), replay the stored response,
    /// or stop (different request under the same key; or the first one still running after <paramref name="waitForInFlight"/>).
    /// </summary>
    [Alias("begin")]
    Task<IdempotencyDecision> Begin(string fingerprint, TimeSpan waitForInFlight);

    /// <summary>Stores the response of the request that ran.</summary>
    [Alias("complete")]
    Task Complete(string fingerprint, StoredResponse response);

    /// <summary>The request that ran failed in a way worth retrying: forget it, so a retry runs again.</summary>
    [Alias("abandon")]
    Task Abandon(string fingerprint);
}

[GenerateSerializer, Alias("commerce.IdempotencyDecisionKind")]
public enum IdempotencyDecisionKind
{
    Proceed,
    Replay,
    InFlight,
    FingerprintMismatch,
}

[GenerateSerializer, Immutable, Alias("commerce.IdempotencyDecision")]
public sealed record IdempotencyDecision([property: Id(0)] IdempotencyDecisionKind Kind, [property: Id(1)] StoredResponse? Response);

[GenerateSerializer, Immutable, Alias("commerce.StoredResponse")]
public sealed record StoredResponse(
    [property: Id(0)] int StatusCode,
    [property: Id(1)] string? ContentType,
    [property: Id(2)] string Body,
    [property: Id(3)] ImmutableDictionary<string, string> Headers);

public static class IdempotencyKeys
{
    /// <summary>The grain key of a user's idempotency key. Neither part may contain a newline (keys are printable).</summary>
    public static string GrainKey(string userId, string key) => $"{userId}\n{key}";

    public static (string UserId, string Key) Split(string grainKey)
    {
        var separator = grainKey.IndexOf('\n', StringComparison.Ordinal);
        return (grainKey[..separator], grainKey[(separator + 1)..]);
    }
}
