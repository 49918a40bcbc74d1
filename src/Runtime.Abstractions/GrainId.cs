namespace Runtime;

/// <summary>The identity of one grain in the cluster: its grain type name and its key.</summary>
/// <remarks>
/// The type is the stable name of the grain interface (see <see cref="GrainTypeAttribute"/>), not a CLR name,
/// because it is stored with state and reminders and must survive renames and refactorings.
/// </remarks>
public readonly record struct GrainId
{
    public GrainId(string type, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(key);
        Type = type;
        Key = key;
    }

    public string Type { get; }

    public string Key { get; }

    public override string ToString() => $"{Type}/{Key}";
}
