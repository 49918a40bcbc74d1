using System.Collections;
using System.Collections.Immutable;
using System.Reflection;

namespace Grains.Tests.Contracts;

/// <summary>
/// Builds a value of a contract type with every member set to something other than its default, so that a JSON
/// round trip which drops or renames a member shows up as a difference.
/// </summary>
internal static class SampleValues
{
    private const int MaxDepth = 4;

    public static object? Create(Type type, int depth)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Create(underlying, depth);
        }

        if (Scalar(type) is { } scalar)
        {
            return scalar;
        }

        if (type.IsEnum)
        {
            var values = Enum.GetValues(type);
            return values.Length > 0 ? values.GetValue(values.Length - 1) : Activator.CreateInstance(type);
        }

        if (type.IsGenericType && type.Namespace == typeof(ImmutableArray).Namespace)
        {
            return ImmutableCollection(type, depth);
        }

        return depth >= MaxDepth ? null : Composite(type, depth);
    }

    private static object? Scalar(Type type) => type switch
    {
        _ when type == typeof(string) => "sample",
        _ when type == typeof(bool) => true,
        _ when type == typeof(char) => 'x',
        _ when type == typeof(Guid) => new Guid("6f9619ff-8b86-d011-b42d-00c04fc964ff"),
        _ when type == typeof(DateTime) => new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
        _ when type == typeof(DateTimeOffset) => new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        _ when type == typeof(DateOnly) => new DateOnly(2026, 1, 2),
        _ when type == typeof(TimeOnly) => new TimeOnly(3, 4, 5),
        _ when type == typeof(TimeSpan) => TimeSpan.FromMinutes(90),
        _ when type == typeof(float) || type == typeof(double) || type == typeof(decimal) => Convert.ChangeType(7.5, type, null),
        _ when type.IsPrimitive => Convert.ChangeType(7, type, null),
        _ => null,
    };

    private static object ImmutableCollection(Type type, int depth)
    {
        var definition = type.GetGenericTypeDefinition();
        var arguments = type.GetGenericArguments();
        var isDictionary = arguments.Length == 2;
        var elementType = isDictionary ? typeof(KeyValuePair<,>).MakeGenericType(arguments) : arguments[0];
        var items = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(elementType))!;
        if (depth < MaxDepth)
        {
            items.Add(isDictionary
                ? Activator.CreateInstance(elementType, Create(arguments[0], depth + 1), Create(arguments[1], depth + 1))
                : Create(arguments[0], depth + 1));
        }

        // ImmutableArray.CreateRange, ImmutableList.CreateRange, ImmutableDictionary.CreateRange, ...
        var factory = type.Assembly.GetType($"{definition.Namespace}.{definition.Name[..definition.Name.IndexOf('`')]}")!;
        var createRange = factory.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Single(m => m.Name == "CreateRange" && m.GetParameters().Length == 1 && m.GetGenericArguments().Length == arguments.Length);
        return createRange.MakeGenericMethod(arguments).Invoke(null, [items])!;
    }

    private static object? Composite(Type type, int depth)
    {
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
        if (constructor is null)
        {
            return type.IsValueType ? Activator.CreateInstance(type) : throw new InvalidOperationException($"{type.Name} has no public constructor.");
        }

        var instance = constructor.Invoke(constructor.GetParameters().Select(p => Create(p.ParameterType, depth + 1)).ToArray());
        var assignedByConstructor = constructor.GetParameters().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0 && !assignedByConstructor.Contains(property.Name))
            {
                property.SetValue(instance, Create(property.PropertyType, depth + 1));
            }
        }

        return instance;
    }
}
