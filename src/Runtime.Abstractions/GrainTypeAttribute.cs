namespace Runtime;

/// <summary>
/// Names a grain type. Put it on the grain interface. Without it the name is derived from the interface name:
/// <c>IHotProductGrain</c> becomes <c>hot-product</c>. The name is persisted, so changing it orphans stored state.
/// </summary>
[AttributeUsage(AttributeTargets.Interface, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
