namespace Runtime;

/// <summary>
/// The silo running a call became unreachable before it answered: the call may or may not have completed. Retry
/// only operations that are idempotent (such as a reservation keyed by its order id).
/// </summary>
public sealed class GrainCallInterruptedException(string message, Exception? innerException = null) : Exception(message, innerException);
