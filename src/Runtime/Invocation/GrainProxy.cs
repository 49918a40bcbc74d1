using System.Reflection;
using Runtime.Metadata;

namespace Runtime.Invocation;

/// <summary>
/// The object behind a grain reference: turns an interface method call into a grain call. The proxy type for each
/// interface is generated once by <see cref="DispatchProxy"/>; method lookup is a frozen-dictionary hit.
/// </summary>
public class GrainProxy : DispatchProxy
{
    private GrainInterfaceMetadata _interface = null!;
    private IGrainCallInvoker _invoker = null!;

    /// <summary>The identity of the grain this reference points at.</summary>
    public GrainId GrainId { get; private set; }

    /// <summary>The grain's partition, hashed once per reference rather than once per call.</summary>
    internal int Partition { get; private set; }

    internal static TGrainInterface Create<TGrainInterface>(GrainId grainId, int partition, GrainInterfaceMetadata grainInterface, IGrainCallInvoker invoker)
    {
        var reference = Create<TGrainInterface, GrainProxy>();
        var proxy = (GrainProxy)(object)reference!;
        proxy.GrainId = grainId;
        proxy.Partition = partition;
        proxy._interface = grainInterface;
        proxy._invoker = invoker;
        return reference;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        => _invoker.Invoke(GrainId, Partition, _interface.GetMethod(targetMethod!), args ?? []);

    public override string ToString() => GrainId.ToString();

    public override bool Equals(object? obj) => obj is GrainProxy other && other.GrainId == GrainId;

    public override int GetHashCode() => GrainId.GetHashCode();
}
