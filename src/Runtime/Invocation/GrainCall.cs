using Runtime.Activation;

namespace Runtime.Invocation;

/// <summary>
/// One unit of work for an activation: a method call, or a timer tick. It carries what the turn needs and the
/// caller's completion, which is created only when the caller has to wait.
/// </summary>
internal abstract class GrainCall(RequestContext? context, long enqueuedAt)
{

    public RequestContext? Context { get; } = context;

    /// <summary>When the caller made the call (a <see cref="TimeProvider"/> timestamp); the call timeout counts from here.</summary>
    public long EnqueuedAt { get; } = enqueuedAt;

    public abstract bool AlwaysInterleave { get; }

    /// <summary>Whether finishing this call counts as activity that postpones idle collection.</summary>
    public virtual bool KeepsActivationAlive => true;

    /// <summary>Whether a call still queued when its activation goes away should be delivered to the next activation.</summary>
    public virtual bool IsForwardable => true;

    /// <summary>Whether the call timeout applies. Calls with no caller waiting (timer ticks) never expire.</summary>
    public virtual bool CanExpire => true;

    /// <summary>Set when the grain code of this call began to run; a call that never started was not delivered.</summary>
    public bool HasStarted { get; set; }

    public abstract string DisplayName { get; }

    /// <summary>The caller's view of the call; the completion source is created on first use.</summary>
    public abstract Task Task { get; }

    /// <summary>Set by the timeout sweep so a running call is failed only once.</summary>
    public bool TimedOut { get; set; }

    // Links in the intrusive list of calls running on one activation (O(1) removal, no allocation).
    internal GrainCall? PreviousRunning { get; set; }

    internal GrainCall? NextRunning { get; set; }

    internal bool IsRunning { get; set; }

    /// <summary>Runs the grain code. Called on the activation's worker, with its synchronization context installed.</summary>
    public abstract Task StartTurn(object grain);

    /// <summary>Hands the outcome of a completed turn to the caller.</summary>
    public abstract void Complete(Task turn);

    public abstract bool TryFail(Exception exception);

    /// <summary>Reports back to the activation when the turn's task completes, on whatever thread completes it.</summary>
    /// <remarks>
    /// An awaiter continuation would be queued to the thread pool here, because the completing thread (the
    /// activation's worker) has a synchronization context installed; an ExecuteSynchronously continuation runs inline,
    /// so a turn that ends on the worker is accounted for on the worker, without a thread hop.
    /// </remarks>
    public void CompleteWhenDone(ActivationData activation, Task turn)
        => turn.ContinueWith(
            static (completed, state) =>
            {
                var (activation, call) = ((ActivationData, GrainCall))state!;
                activation.OnTurnCompleted(call, completed);
            },
            (activation, this),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
}
