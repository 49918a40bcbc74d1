namespace Runtime;

/// <summary>
/// A state write was rejected because the stored ETag is not the one this activation read: another writer got
/// there first. The activation that sees it is deactivated, and the next call reads the current state.
/// </summary>
public sealed class InconsistentStateException : Exception
{
    public InconsistentStateException(string message, string? expectedEtag, string? currentEtag, Exception? innerException = null)
        : base(message, innerException)
    {
        ExpectedEtag = expectedEtag;
        CurrentEtag = currentEtag;
    }

    public InconsistentStateException(string message) : this(message, null, null)
    {
    }

    /// <summary>The ETag the writer expected (what it last read or wrote); null when it expected no record.</summary>
    public string? ExpectedEtag { get; }

    /// <summary>The ETag found in storage, when known; null when the record does not exist.</summary>
    public string? CurrentEtag { get; }
}
