using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Runtime.Hosting;

namespace Runtime.Contracts;

/// <summary>
/// Checks what grain interfaces exchange. Local calls pass arguments by reference, and a call to another silo
/// serializes them, so a value must be immutable (a caller mutating it after the call would otherwise change the
/// grain's data behind its back, but only on one silo) and must survive a round trip through System.Text.Json.
/// </summary>
/// <remarks>
/// Allowed: primitives, string, decimal, Guid, dates and times, enums, nullable forms of these, the
/// System.Collections.Immutable collections of allowed values, and sealed records, classes or structs whose public
/// properties are get- or init-only and whose public fields are read-only. <see cref="CancellationToken"/> may
/// appear as a parameter: it travels with the call, not as data.
/// </remarks>
public static class GrainContractValidator
{
    private static readonly HashSet<Type> s_scalars =
    [
        typeof(bool), typeof(byte), typeof(sbyte), typeof(short), typeof(ushort), typeof(int), typeof(uint), typeof(long),
        typeof(ulong), typeof(float), typeof(double), typeof(decimal), typeof(char), typeof(string), typeof(Guid),
        typeof(DateTime), typeof(DateTimeOffset), typeof(DateOnly), typeof(TimeOnly), typeof(TimeSpan),
    ];

    private static readonly HashSet<Type> s_immutableCollections =
    [
        typeof(ImmutableArray<>), typeof(ImmutableList<>), typeof(ImmutableHashSet<>), typeof(ImmutableSortedSet<>),
        typeof(ImmutableDictionary<,>), typeof(ImmutableSortedDictionary<,>),
    ];

    /// <summary>Every grain interface declared in the assemblies, checked.</summary>
    public static IReadOnlyList<string> Validate(IEnumerable<Assembly> assemblies)
        => Validate(assemblies.SelectMany(a => a.GetTypes()).Where(t => t.IsInterface && typeof(IGrain).IsAssignableFrom(t) && t != typeof(IGrain) && t != typeof(IGrainWithStringKey)));

    /// <summary>Returns one message per violation; empty when every interface is fine.</summary>
    public static IReadOnlyList<string> Validate(IEnumerable<Type> grainInterfaces)
    {
        var errors = new List<string>();
        var verdicts = new Dictionary<Type, string?>();
        foreach (var method in grainInterfaces.Distinct().SelectMany(i => i.GetMethods()))
        {
            var where = $"{method.DeclaringType!.Name}.{method.Name}";
            var returnType = method.ReturnType;
            if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
            {
                Check(returnType.GetGenericArguments()[0], $"{where} result", verdicts, errors);
            }
            else if (returnType != typeof(Task))
            {
                errors.Add($"{where}: returns {Describe(returnType)}; grain methods return Task or Task<T>.");
            }

            foreach (var parameter in method.GetParameters().Where(p => p.ParameterType != typeof(CancellationToken)))
            {
                Check(parameter.ParameterType, $"{where}({parameter.Name})", verdicts, errors);
            }
        }

        return errors;
    }

    private static void Check(Type type, string where, Dictionary<Type, string?> verdicts, List<string> errors)
    {
        if (!verdicts.TryGetValue(type, out var problem))
        {
            problem = WhyNotImmutable(type, []) ?? WhyNoRoundTrip(type);
            verdicts[type] = problem;
        }

        if (problem is not null)
        {
            errors.Add($"{where}: {problem}");
        }
    }

    private static string? WhyNotImmutable(Type type, HashSet<Type> visiting)
    {
        if (s_scalars.Contains(type) || type.IsEnum || !visiting.Add(type))
        {
            return null;
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return WhyNotImmutable(underlying, visiting);
        }

        if (type.IsGenericType && s_immutableCollections.Contains(type.GetGenericTypeDefinition()))
        {
            return type.GetGenericArguments().Select(t => WhyNotImmutable(t, visiting)).FirstOrDefault(p => p is not null);
        }

        if (type.IsArray)
        {
            return $"{Describe(type)} is an array, which is mutable; use ImmutableArray<{Describe(type.GetElementType()!)}>.";
        }

        if (typeof(IGrain).IsAssignableFrom(type))
        {
            return $"{Describe(type)} is a grain reference; pass the grain's key instead.";
        }

        if (type == typeof(object) || type.IsInterface || type.IsAbstract || typeof(Delegate).IsAssignableFrom(type) || typeof(Task).IsAssignableFrom(type) || type.IsPointer)
        {
            return $"{Describe(type)} is not a concrete data type; the receiver could not know what to deserialize.";
        }

        if (type.IsClass && !type.IsSealed)
        {
            return $"{Describe(type)} is not sealed; a mutable subclass could be passed in its place.";
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            if (property.SetMethod is { IsPublic: true } setter && !IsInitOnly(setter))
            {
                return $"{Describe(type)}.{property.Name} has a public setter; use init or a positional record.";
            }

            if (WhyNotImmutable(property.PropertyType, visiting) is { } problem)
            {
                return problem;
            }
        }

        foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!field.IsInitOnly)
            {
                return $"{Describe(type)}.{field.Name} is a writable field.";
            }

            if (WhyNotImmutable(field.FieldType, visiting) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? WhyNoRoundTrip(Type type)
    {
        try
        {
            var sample = SampleValues.Create(type, depth: 0);
            var json = JsonSerializer.Serialize(sample, type, RuntimeJson.DefaultOptions);
            var again = JsonSerializer.Serialize(JsonSerializer.Deserialize(json, type, RuntimeJson.DefaultOptions), type, RuntimeJson.DefaultOptions);
            return json == again ? null : $"{Describe(type)} does not survive a JSON round trip: {json} came back as {again}.";
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException or InvalidOperationException or ArgumentException or TargetInvocationException)
        {
            return $"{Describe(type)} cannot be round-tripped through System.Text.Json: {exception.GetBaseException().Message}";
        }
    }

    private static bool IsInitOnly(MethodInfo setter) => setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit));

    private static string Describe(Type type)
        => type.IsGenericType ? $"{type.Name[..type.Name.IndexOf('`')]}<{string.Join(", ", type.GetGenericArguments().Select(Describe))}>" : type.Name;
}
