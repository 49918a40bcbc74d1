namespace Runtime;

/// <summary>Marks a grain constructor parameter of type <see cref="IPersistentState{TState}"/> to be injected.</summary>
/// <param name="stateName">The state's name within the grain; part of its storage key.</param>
/// <param name="storageName">The storage provider; null for the silo's default provider.</param>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName, string? storageName = null) : Attribute
{
    public string StateName { get; } = stateName;

    public string? StorageName { get; } = storageName;
}
