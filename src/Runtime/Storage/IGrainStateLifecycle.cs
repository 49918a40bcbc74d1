namespace Runtime.Storage;

/// <summary>What an activation does with each of its persistent states: read on activation, flush on deactivation.</summary>
internal interface IGrainStateLifecycle
{
    Task ReadStateAsync();

    /// <summary>Completes when no write is in flight or waiting (whether it succeeded or not).</summary>
    Task WhenWritesSettled();
}
