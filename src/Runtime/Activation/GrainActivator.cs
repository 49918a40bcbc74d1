using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Runtime.Diagnostics;
using Runtime.Hosting;
using Runtime.Partitioning;
using Runtime.Storage;

namespace Runtime.Activation;

/// <summary>
/// Constructs grain instances: constructor parameters come from the silo's services, except
/// <see cref="PersistentStateAttribute"/> parameters, which get a persistent state bound to the activation, stored by
/// the state type's own <see cref="IGrainStateStore{TState}"/> if the silo has one, else as JSON. The plan for each
/// class is worked out once.
/// </summary>
internal sealed class GrainActivator(
    IServiceProvider services,
    IOptions<SiloOptions> options,
    TimeProvider timeProvider,
    RuntimeMetrics metrics,
    PartitionFunction partitions,
    IPartitionOwnership ownership)
{
    private static readonly MethodInfo s_createState = typeof(GrainActivator).GetMethod(nameof(CreateState), BindingFlags.NonPublic | BindingFlags.Instance)!;

    private readonly ConcurrentDictionary<Type, ConstructionPlan> _plans = new();

    public (Grain Grain, IReadOnlyList<IGrainStateLifecycle> States) CreateGrain(ActivationData activation)
    {
        var plan = _plans.GetOrAdd(activation.GrainClass.GrainClass, BuildPlan);
        var states = new List<IGrainStateLifecycle>();
        var arguments = new object?[plan.Arguments.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = plan.Arguments[i](activation, states);
        }

        var grain = (Grain)plan.Constructor.Invoke(arguments);
        grain.Context = activation;
        return (grain, states);
    }

    private ConstructionPlan BuildPlan(Type grainClass)
    {
        var constructor = grainClass.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
            ?? throw new InvalidOperationException($"Grain class {grainClass.FullName} has no public constructor.");
        var stateNames = new HashSet<string>(StringComparer.Ordinal);
        var arguments = constructor.GetParameters().Select(parameter =>
        {
            var attribute = parameter.GetCustomAttribute<PersistentStateAttribute>();
            return attribute is null
                ? ServiceArgument(grainClass, parameter)
                : StateArgument(grainClass, parameter, attribute, stateNames);
        }).ToArray();
        return new ConstructionPlan(constructor, arguments);
    }

    private Func<ActivationData, List<IGrainStateLifecycle>, object?> ServiceArgument(Type grainClass, ParameterInfo parameter)
    {
        var type = parameter.ParameterType;
        if (services.GetService(type) is null && !parameter.HasDefaultValue)
        {
            throw new InvalidOperationException($"Grain class {grainClass.FullName}: no service of type {type.Name} is registered for constructor parameter '{parameter.Name}'.");
        }

        return (_, _) => services.GetService(type) ?? parameter.DefaultValue;
    }

    private Func<ActivationData, List<IGrainStateLifecycle>, object?> StateArgument(
        Type grainClass, ParameterInfo parameter, PersistentStateAttribute attribute, HashSet<string> stateNames)
    {
        var type = parameter.ParameterType;
        if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(IPersistentState<>))
        {
            throw new InvalidOperationException($"Grain class {grainClass.FullName}: [PersistentState] parameter '{parameter.Name}' must be an IPersistentState<T>.");
        }

        if (!stateNames.Add(attribute.StateName))
        {
            throw new InvalidOperationException($"Grain class {grainClass.FullName} has two persistent states named '{attribute.StateName}'.");
        }

        var stateType = type.GetGenericArguments()[0];
        var storageName = attribute.StorageName ?? GrainStorageNames.Default;
        var store = services.GetKeyedService(typeof(IGrainStateStore<>).MakeGenericType(stateType), storageName)
            ?? Activator.CreateInstance(
                typeof(JsonGrainStateStore<>).MakeGenericType(stateType),
                services.GetKeyedService<IGrainStorage>(storageName)
                    ?? throw new InvalidOperationException($"Grain class {grainClass.FullName}: no grain storage named '{storageName}' is configured."),
                options.Value.StateSerializerOptions)!;
        var create = s_createState.MakeGenericMethod(stateType)
            .CreateDelegate<Func<ActivationData, object, string, IGrainStateLifecycle>>(this);
        return (activation, states) =>
        {
            var state = create(activation, store, attribute.StateName);
            states.Add(state);
            return state;
        };
    }

    private IGrainStateLifecycle CreateState<TState>(ActivationData activation, object store, string stateName) where TState : class, new()
        => new PersistentState<TState>(
            activation,
            (IGrainStateStore<TState>)store,
            new GrainStateKey(activation.GrainId.Type, activation.GrainId.Key, stateName),
            partitions.GetPartition(activation.GrainId),
            metrics,
            timeProvider,
            ownership);

    private sealed record ConstructionPlan(ConstructorInfo Constructor, Func<ActivationData, List<IGrainStateLifecycle>, object?>[] Arguments);
}
