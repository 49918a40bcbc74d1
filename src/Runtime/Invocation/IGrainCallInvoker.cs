using Runtime.Metadata;

namespace Runtime.Invocation;

/// <summary>
/// Delivers a grain call to wherever the grain lives. The silo's implementation is the local catalog; a cluster
/// client routes by partition instead. The returned task has the method's exact return type.
/// </summary>
internal interface IGrainCallInvoker
{
    Task Invoke(GrainId grainId, int partition, GrainMethod method, object?[] arguments);
}
