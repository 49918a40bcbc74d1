namespace Runtime;

/// <summary>
/// The grain could not be reached: its silo is stopping or not started, or (in a cluster) no silo serves its
/// partition right now. Nothing ran; the call may be retried.
/// </summary>
public sealed class GrainUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
