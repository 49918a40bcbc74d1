namespace Runtime;

/// <summary>How long an activation of this grain class may stay idle before it is deactivated.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class CollectionAgeLimitAttribute(double seconds) : Attribute
{
    public TimeSpan Limit { get; } = TimeSpan.FromSeconds(seconds);
}
