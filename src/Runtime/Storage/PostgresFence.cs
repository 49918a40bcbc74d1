using Npgsql;

namespace Runtime.Storage;

/// <summary>
/// The fencing-token check for PostgreSQL writes, shared by the JSON storage and typed stores: append it to the
/// main row's INSERT … SELECT or UPDATE, so the write happens only while the writer holds the partition at its epoch.
/// </summary>
public static class PostgresFence
{
    /// <summary>
    /// "{keyword} EXISTS (…)" using parameters $<paramref name="firstParameter"/> to $<paramref name="firstParameter"/>+2,
    /// or nothing without a fence.
    /// </summary>
    public static string Condition(StorageFence? fence, int firstParameter, string keyword = "AND")
        => fence is null
            ? ""
            : $"{keyword} EXISTS (SELECT 1 FROM silo_partitions WHERE partition = ${firstParameter} AND owner = ${firstParameter + 1} AND epoch = ${firstParameter + 2})";

    /// <summary>Adds the condition's three parameters (in order, after those already added), when there is a fence.</summary>
    public static void AddParameters(NpgsqlParameterCollection parameters, StorageFence? fence, int partition)
    {
        if (fence is not null)
        {
            parameters.Add(new NpgsqlParameter { Value = partition });
            parameters.Add(new NpgsqlParameter { Value = fence.SiloId });
            parameters.Add(new NpgsqlParameter { Value = fence.Epoch });
        }
    }

    /// <summary>What a store throws when its guarded main row was not written: a stale ETag, or a lost lease.</summary>
    public static InconsistentStateException Conflict(GrainStateKey key, int partition, long? expectedEtag, long? currentEtag, StorageFence? fence)
        => fence is not null && currentEtag == expectedEtag
            ? StorageConflict.Fenced(key, partition, fence)
            : StorageConflict.Create(key, expectedEtag, currentEtag);
}
