namespace Runtime.Activation;

/// <summary>
/// Installed while an activation's code runs, so every <c>await</c> in grain code resumes on the activation's
/// own queue instead of the thread pool. This is what keeps a grain single-threaded across awaits.
/// </summary>
internal sealed class ActivationSynchronizationContext(ActivationData activation) : SynchronizationContext
{
    public ActivationData Activation => activation;

    public override void Post(SendOrPostCallback d, object? state) => activation.Post(d, state);

    public override void Send(SendOrPostCallback d, object? state)
        => throw new NotSupportedException("Grain code must not block on its own activation; await instead.");

    public override SynchronizationContext CreateCopy() => this;
}
