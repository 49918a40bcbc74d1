using Runtime.Metadata;

namespace Runtime.Invocation;

/// <summary>Creates grain references that deliver their calls through one invoker.</summary>
internal sealed class GrainFactory(IGrainCallInvoker invoker) : IGrainFactory
{
    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        var metadata = InterfaceMetadataOf<TGrainInterface>.Value;
        if (metadata.GrainType is null)
        {
            throw new ArgumentException($"{typeof(TGrainInterface).Name} is implemented by many grain types; it does not name one.");
        }

        return GrainProxy.Create<TGrainInterface>(new GrainId(metadata.GrainType, key), metadata, invoker);
    }

    /// <summary>A reference through a system interface, such as IRemindable, to a grain whose type is already known.</summary>
    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId) where TGrainInterface : IGrain
        => GrainProxy.Create<TGrainInterface>(grainId, InterfaceMetadataOf<TGrainInterface>.Value, invoker);

    private static class InterfaceMetadataOf<T>
    {
        public static readonly GrainInterfaceMetadata Value = GrainInterfaceMetadata.For(typeof(T));
    }
}
