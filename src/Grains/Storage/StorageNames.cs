namespace Grains.Storage;

/// <summary>The grain storage providers the grains name in <c>[PersistentState]</c>.</summary>
public static class StorageNames
{
    /// <summary>
    /// The typed provider: each commerce state in its own tables (PostgreSQL), or in memory in the embedded mode.
    /// States that lists and reports query live here.
    /// </summary>
    public const string Commerce = "commerce";
}
