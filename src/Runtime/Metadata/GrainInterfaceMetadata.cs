using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Reflection;

namespace Runtime.Metadata;

/// <summary>The grain type name and the methods of one grain interface, built once per interface.</summary>
internal sealed class GrainInterfaceMetadata
{
    private static readonly ConcurrentDictionary<Type, GrainInterfaceMetadata> s_cache = new();

    private readonly FrozenDictionary<MethodInfo, GrainMethod> _methods;

    private GrainInterfaceMetadata(Type interfaceType)
    {
        if (!interfaceType.IsInterface || !typeof(IGrain).IsAssignableFrom(interfaceType))
        {
            throw new ArgumentException($"{interfaceType.FullName} is not a grain interface.", nameof(interfaceType));
        }

        if (interfaceType.IsGenericTypeDefinition || interfaceType.ContainsGenericParameters)
        {
            throw new ArgumentException($"Grain interface {interfaceType.FullName} must not be an open generic.", nameof(interfaceType));
        }

        InterfaceType = interfaceType;
        GrainType = IsSystemInterface(interfaceType) ? null : GrainTypeName.For(interfaceType);
        _methods = new[] { interfaceType }.Concat(interfaceType.GetInterfaces())
            .SelectMany(i => i.GetMethods())
            .ToFrozenDictionary(m => m, GrainMethod.Create);
    }

    public Type InterfaceType { get; }

    /// <summary>The grain type this interface names, or null for interfaces every grain may implement, such as <see cref="IRemindable"/>.</summary>
    public string? GrainType { get; }

    public IEnumerable<GrainMethod> Methods => _methods.Values;

    public static GrainInterfaceMetadata For(Type interfaceType) => s_cache.GetOrAdd(interfaceType, static t => new GrainInterfaceMetadata(t));

    public static bool IsSystemInterface(Type interfaceType) => interfaceType == typeof(IRemindable);

    /// <summary>Grain interfaces that give a class its grain type: those with IGrainWithStringKey, except system ones.</summary>
    public static bool IsGrainTypeInterface(Type type)
        => type.IsInterface && typeof(IGrainWithStringKey).IsAssignableFrom(type) && type != typeof(IGrainWithStringKey) && !IsSystemInterface(type);

    public GrainMethod GetMethod(MethodInfo method)
        => _methods.TryGetValue(method, out var grainMethod)
            ? grainMethod
            : throw new ArgumentException($"{method.Name} is not a method of {InterfaceType.FullName}.", nameof(method));

    public GrainMethod GetMethod(string name)
        => _methods.Values.Single(m => m.MethodInfo.Name == name);
}
