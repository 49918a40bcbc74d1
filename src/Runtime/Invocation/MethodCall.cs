using Runtime.Metadata;

namespace Runtime.Invocation;

/// <summary>A call of a grain interface method returning <c>Task&lt;TResult&gt;</c> (or a plain Task, with TResult = object).</summary>
internal sealed class MethodCall<TResult>(GrainMethod method, object?[] arguments, RequestContext? context, long enqueuedAt)
    : GrainCall(context, enqueuedAt)
{
    private TaskCompletionSource<TResult>? _completion;

    public GrainMethod Method => method;

    public object?[] Arguments => arguments;

    public override bool AlwaysInterleave => method.AlwaysInterleave;

    public override string DisplayName => method.DisplayName;

    public override Task Task => Completion.Task;

    // Continuations run asynchronously so a caller's code never runs on, and never holds up, the activation's worker.
    private TaskCompletionSource<TResult> Completion
    {
        get
        {
            var completion = Volatile.Read(ref _completion);
            if (completion is null)
            {
                completion = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
                completion = Interlocked.CompareExchange(ref _completion, completion, null) ?? completion;
            }

            return completion;
        }
    }

    public override Task StartTurn(object grain) => method.Invoke(grain, arguments);

    public override void Complete(Task turn)
    {
        switch (turn.Status)
        {
            case TaskStatus.RanToCompletion:
                Completion.TrySetResult(method.ResultType is null ? default! : ((Task<TResult>)turn).GetAwaiter().GetResult());
                break;
            case TaskStatus.Canceled:
                Completion.TrySetCanceled();
                break;
            default:
                Completion.TrySetException(turn.Exception!.InnerExceptions);
                break;
        }
    }

    public override bool TryFail(Exception exception) => Completion.TrySetException(exception);
}
