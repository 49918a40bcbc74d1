using System.Collections.Immutable;
using Runtime;

namespace Grains.Idempotency;

/// <summary>
/// One idempotency key of one user (the IETF Idempotency-Key draft; case C3): remembers the request's fingerprint
/// and, once it has finished, its response, so a retry gets the first response instead of running again.
/// Keyed by <see cref="IdempotencyKeys.GrainKey"/>.
/// </summary>
[GrainType("idempotency")]
public interface IIdempotencyGrain : IGrainWithStringKey
{
    /// <summary>
    /// Decides what a request with this key does: run (and the key is now in flight), replay the stored response,
    /// or stop (different request under the same key; or the first one still running after <paramref name="waitForInFlight"/>).
    /// </summary>
    Task<IdempotencyDecision> Begin(string fingerprint, TimeSpan waitForInFlight);

    /// <summary>Stores the response of the request that ran.</summary>
    Task Complete(string fingerprint, StoredResponse response);

    /// <summary>The request that ran failed in a way worth retrying: forget it, so a retry runs again.</summary>
    Task Abandon(string fingerprint);
}

public enum IdempotencyDecisionKind
{
    Proceed,
    Replay,
    InFlight,
    FingerprintMismatch,
}

public sealed record IdempotencyDecision(IdempotencyDecisionKind Kind, StoredResponse? Response);

public sealed record StoredResponse(int StatusCode, string? ContentType, string Body, ImmutableDictionary<string, string> Headers);

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
