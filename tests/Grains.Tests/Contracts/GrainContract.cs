using System.Collections.Immutable;
using System.Reflection;

namespace Grains.Tests.Contracts;

/// <summary>What crosses a grain boundary: the grain interfaces of an assembly, and every type their calls carry.</summary>
internal static class GrainContract
{
    public static IReadOnlyList<Type> GrainInterfaces(Assembly assembly)
        => [.. assembly.GetExportedTypes().Where(t => t.IsInterface && typeof(IGrain).IsAssignableFrom(t)).OrderBy(t => t.FullName)];

    /// <summary>The product's own types among the parameters and results of <paramref name="interfaces"/>, and the types they hold.</summary>
    public static IReadOnlyList<Type> ExchangedTypes(IEnumerable<Type> interfaces)
    {
        var found = new HashSet<Type>();
        var pending = new Queue<Type>(interfaces.SelectMany(i => i.GetMethods())
            .SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType)));
        while (pending.TryDequeue(out var type))
        {
            foreach (var part in Unwrap(type))
            {
                if (IsOwn(part) && found.Add(part))
                {
                    foreach (var property in part.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                    {
                        pending.Enqueue(property.PropertyType);
                    }
                }
            }
        }

        return [.. found.OrderBy(t => t.FullName)];
    }

    private static bool IsOwn(Type type) => type.Namespace?.StartsWith("Grains", StringComparison.Ordinal) == true;

    /// <summary>The types a type stands for: Task&lt;T&gt;'s T, a nullable's value type, a collection's elements.</summary>
    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return [underlying];
        }

        if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.Namespace == typeof(ImmutableArray).Namespace))
        {
            return type.GetGenericArguments().SelectMany(Unwrap);
        }

        return [type];
    }
}
