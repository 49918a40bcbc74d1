using System.Globalization;

namespace Runtime.Storage;

/// <summary>The one way every provider reports a lost conditional write.</summary>
internal static class StorageConflict
{
    public static InconsistentStateException Create(GrainStateKey key, long? expectedEtag, long? currentEtag)
        => new(
            $"State {key} was changed by another writer: expected ETag {Format(expectedEtag)}, found {Format(currentEtag)}.",
            expectedEtag?.ToString(CultureInfo.InvariantCulture),
            currentEtag?.ToString(CultureInfo.InvariantCulture));

    public static InconsistentStateException Fenced(GrainStateKey key, int partition, StorageFence fence)
        => new($"State {key} was not written: silo {fence.SiloId} no longer holds partition {partition} at epoch {fence.Epoch}.", null, null);

    private static string Format(long? etag) => etag?.ToString(CultureInfo.InvariantCulture) ?? "no record";
}
