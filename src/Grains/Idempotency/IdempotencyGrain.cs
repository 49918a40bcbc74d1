using Grains.Storage;
using Microsoft.Extensions.Options;

namespace Grains.Idempotency;

public sealed class IdempotencyState
{
    public string? Fingerprint { get; set; }

    public bool Completed { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset CompletedAt { get; set; }

    public StoredResponse? Response { get; set; }
}

/// <summary>
/// One user's idempotency key. Reentrant so that retries arriving while the first request runs can wait for its
/// response (and replay it) without blocking its completion; a request still running after that wait gets 409.
/// </summary>
[Reentrant]
public sealed class IdempotencyGrain(
    [PersistentState("idempotency", StorageNames.Commerce)] IPersistentState<IdempotencyState> key,
    IGrainContext grain,
    IOptions<CommerceOptions> options,
    TimeProvider time) : Grain, IIdempotencyGrain
{
    private TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly GroupCommit<IdempotencyState> _writes = new(key, grain);

    /// <summary>A reread of an expired key in progress, which every request taking the key over awaits.</summary>
    private Task? _reread;

    private IdempotencyState State => _writes.State;

    public async Task<IdempotencyDecision> Begin(string fingerprint, TimeSpan waitForInFlight)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fingerprint);
        var deadline = time.GetUtcNow() + waitForInFlight;
        var reread = false;
        while (true)
        {
            var now = time.GetUtcNow();
            if (!reread && IsPurgeable(now))
            {
                // The purge may have deleted its row, and a write expecting the row's ETag would then fail: take it
                // over from what is stored now (nothing, or the same row).
                reread = true;
                await (_reread ??= RereadAsync());
                continue;
            }

            if (IsFree(now))
            {
                State.Fingerprint = fingerprint;
                State.Completed = false;
                State.StartedAt = now;
                State.Response = null;
                await _writes.WriteAsync();
                return new IdempotencyDecision(IdempotencyDecisionKind.Proceed, null);
            }

            if (State.Fingerprint != fingerprint)
            {
                return new IdempotencyDecision(IdempotencyDecisionKind.FingerprintMismatch, null);
            }

            if (State.Completed)
            {
                return new IdempotencyDecision(IdempotencyDecisionKind.Replay, State.Response);
            }

            if (now >= deadline)
            {
                return new IdempotencyDecision(IdempotencyDecisionKind.InFlight, null);
            }

            // Wait for the running request to finish (or give up), then look again.
            using var cancelDelay = new CancellationTokenSource();
            await Task.WhenAny(_settled.Task, Task.Delay(deadline - now, time, cancelDelay.Token));
            await cancelDelay.CancelAsync();
        }
    }

    public async Task Complete(string fingerprint, StoredResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (State.Fingerprint != fingerprint || State.Completed)
        {
            return;
        }

        State.Completed = true;
        State.CompletedAt = time.GetUtcNow();
        State.Response = response;
        await _writes.WriteAsync();
        Settle();
    }

    public async Task Abandon(string fingerprint)
    {
        if (State.Fingerprint != fingerprint || State.Completed)
        {
            return;
        }

        await key.ClearStateAsync();
        Settle();
    }

    /// <summary>Unused, or its response outlived the retention period, or its request was abandoned by a front end that died.</summary>
    private bool IsFree(DateTimeOffset now)
        => State.Fingerprint is null
            || (State.Completed && now - State.CompletedAt > options.Value.IdempotencyRetention)
            || (!State.Completed && now - State.StartedAt > options.Value.IdempotencyInFlightLease);

    /// <summary>Past its retention, so the periodic purge may delete it (IdempotencyKeyPurgeService).</summary>
    private bool IsPurgeable(DateTimeOffset now)
        => State.Fingerprint is not null && now - (State.Completed ? State.CompletedAt : State.StartedAt) > options.Value.IdempotencyRetention;

    private async Task RereadAsync()
    {
        try
        {
            await key.ReadStateAsync();
        }
        finally
        {
            _reread = null;
        }
    }

    private void Settle()
    {
        var settled = _settled;
        _settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        settled.TrySetResult();
    }
}
