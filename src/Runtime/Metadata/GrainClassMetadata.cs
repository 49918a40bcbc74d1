using System.Reflection;

namespace Runtime.Metadata;

/// <summary>What the silo knows about one grain implementation class.</summary>
internal sealed class GrainClassMetadata
{
    public GrainClassMetadata(Type grainClass, GrainInterfaceMetadata grainInterface, TimeSpan defaultCollectionAge)
    {
        GrainClass = grainClass;
        Interface = grainInterface;
        GrainType = grainInterface.GrainType!;
        IsReentrant = grainClass.IsDefined(typeof(ReentrantAttribute), inherit: true);
        CollectionAge = grainClass.GetCustomAttribute<CollectionAgeLimitAttribute>(inherit: true)?.Limit ?? defaultCollectionAge;
        IsRemindable = typeof(IRemindable).IsAssignableFrom(grainClass);
    }

    public Type GrainClass { get; }

    public GrainInterfaceMetadata Interface { get; }

    public string GrainType { get; }

    public bool IsReentrant { get; }

    public TimeSpan CollectionAge { get; }

    public bool IsRemindable { get; }
}
