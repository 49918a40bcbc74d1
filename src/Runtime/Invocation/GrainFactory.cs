using Runtime.Metadata;
using Runtime.Partitioning;

namespace Runtime.Invocation;

/// <summary>Creates grain references that deliver their calls through one invoker.</summary>
internal sealed class GrainFactory(IGrainCallInvoker invoker, PartitionFunction partitions) : IGrainFactory
{
    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        var metadata = InterfaceMetadataOf<TGrainInterface>.Value;
        if (metadata.GrainType is null)
        {
            throw new ArgumentException($"{typeof(TGrainInterface).Name} is implemented by many grain types; it does not name one.");
        }

        var grainId = new GrainId(metadata.GrainType, key);
        return GrainProxy.Create<TGrainInterface>(grainId, partitions.GetPartition(grainId), metadata, invoker);
    }

    private static class InterfaceMetadataOf<T>
    {
        public static readonly GrainInterfaceMetadata Value = GrainInterfaceMetadata.For(typeof(T));
    }
}
