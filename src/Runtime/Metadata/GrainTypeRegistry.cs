using System.Collections.Frozen;
using System.Reflection;

namespace Runtime.Metadata;

/// <summary>The grain classes a silo hosts, found by scanning the assemblies it was given, keyed by grain type name.</summary>
internal sealed class GrainTypeRegistry
{
    private readonly FrozenDictionary<string, GrainClassMetadata> _byGrainType;

    public GrainTypeRegistry(IEnumerable<Assembly> assemblies, TimeSpan defaultCollectionAge)
    {
        var classes = new Dictionary<string, GrainClassMetadata>(StringComparer.Ordinal);
        foreach (var grainClass in assemblies.Distinct().SelectMany(SafeGetTypes).Where(IsGrainClass))
        {
            var interfaces = grainClass.GetInterfaces().Where(GrainInterfaceMetadata.IsGrainTypeInterface).ToArray();
            if (interfaces.Length != 1)
            {
                throw new InvalidOperationException(
                    $"Grain class {grainClass.FullName} must implement exactly one grain interface (besides IRemindable); it implements {interfaces.Length}.");
            }

            var metadata = new GrainClassMetadata(grainClass, GrainInterfaceMetadata.For(interfaces[0]), defaultCollectionAge);
            if (classes.TryGetValue(metadata.GrainType, out var existing))
            {
                throw new InvalidOperationException(
                    $"Grain type '{metadata.GrainType}' is implemented by both {existing.GrainClass.FullName} and {grainClass.FullName}.");
            }

            classes.Add(metadata.GrainType, metadata);
        }

        _byGrainType = classes.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IEnumerable<GrainClassMetadata> Classes => _byGrainType.Values;

    public GrainClassMetadata Get(string grainType)
        => _byGrainType.TryGetValue(grainType, out var metadata)
            ? metadata
            : throw new InvalidOperationException($"No grain class for grain type '{grainType}' is registered in this silo.");

    private static bool IsGrainClass(Type type)
        => type is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false } && type.IsSubclassOf(typeof(Grain));

    private static IEnumerable<Type> SafeGetTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>();
        }
    }
}
