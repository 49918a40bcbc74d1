namespace Runtime;

/// <summary>A grain on another silo threw an exception whose type could not be rebuilt here; its type and message are kept.</summary>
public sealed class RemoteGrainException(string remoteType, string message) : Exception($"{remoteType}: {message}")
{
    public string RemoteType { get; } = remoteType;
}
