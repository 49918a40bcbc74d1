using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using Runtime.Hosting;
using Runtime.Invocation;

namespace Runtime.Metadata;

/// <summary>One method of a grain interface, with an invoker compiled once.</summary>
internal abstract class GrainMethod
{
    private readonly Func<object, object?[], Task> _invoke;

    protected GrainMethod(MethodInfo method, Type? resultType)
    {
        MethodInfo = method;
        ResultType = resultType;
        AlwaysInterleave = method.IsDefined(typeof(AlwaysInterleaveAttribute), inherit: true);
        DisplayName = $"{method.DeclaringType!.Name}.{method.Name}";
        Id = $"{method.DeclaringType!.FullName}.{method.Name}({string.Join(",", method.GetParameters().Select(p => p.ParameterType))})";
        Parameters = method.GetParameters().Select(p => p.ParameterType).ToArray();
        _invoke = CompileInvoker(method);
    }

    public MethodInfo MethodInfo { get; }

    /// <summary>The T of <c>Task&lt;T&gt;</c>, or null for a method returning a plain <see cref="Task"/>.</summary>
    public Type? ResultType { get; }

    public bool AlwaysInterleave { get; }

    public string DisplayName { get; }

    /// <summary>Names the method on the wire: interface, name and parameter types, the same in every process.</summary>
    public string Id { get; }

    public IReadOnlyList<Type> Parameters { get; }

    public Task Invoke(object grain, object?[] arguments) => _invoke(grain, arguments);

    public abstract GrainCall CreateCall(object?[] arguments, RequestContext? context, long timestamp);

    /// <summary>Hands the call to a router as a task of this method's exact return type.</summary>
    public abstract Task Route(IGrainCallRouter router, GrainId grainId, int partition, object?[] arguments);

    /// <summary>The JSON of a successfully completed turn's result (<c>null</c> for a method without one).</summary>
    public abstract byte[] SerializeResult(Task completedTurn);

    public static GrainMethod Create(MethodInfo method)
    {
        var returnType = method.ReturnType;
        Type? resultType;
        if (returnType == typeof(Task))
        {
            resultType = null;
        }
        else if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            resultType = returnType.GetGenericArguments()[0];
        }
        else
        {
            throw new InvalidOperationException($"Grain method {method.DeclaringType!.FullName}.{method.Name} must return Task or Task<T>, not {returnType.Name}.");
        }

        if (method.IsGenericMethodDefinition)
        {
            throw new InvalidOperationException($"Grain method {method.DeclaringType!.FullName}.{method.Name} must not be generic.");
        }

        if (method.GetParameters().Any(p => p.ParameterType.IsByRef))
        {
            throw new InvalidOperationException($"Grain method {method.DeclaringType!.FullName}.{method.Name} must not have ref, out or in parameters.");
        }

        var closed = typeof(GrainMethod<>).MakeGenericType(resultType ?? typeof(object));
        return (GrainMethod)Activator.CreateInstance(closed, method, resultType)!;
    }

    private static Func<object, object?[], Task> CompileInvoker(MethodInfo method)
    {
        var grain = Expression.Parameter(typeof(object), "grain");
        var arguments = Expression.Parameter(typeof(object?[]), "arguments");
        var parameters = method.GetParameters()
            .Select((p, i) => Expression.Convert(Expression.ArrayIndex(arguments, Expression.Constant(i)), p.ParameterType));
        var call = Expression.Call(Expression.Convert(grain, method.DeclaringType!), method, parameters);
        return Expression.Lambda<Func<object, object?[], Task>>(Expression.Convert(call, typeof(Task)), grain, arguments).Compile();
    }
}

/// <summary>A grain method returning <c>Task&lt;TResult&gt;</c>, or <see cref="Task"/> when TResult is object and there is no result.</summary>
internal sealed class GrainMethod<TResult>(MethodInfo method, Type? resultType) : GrainMethod(method, resultType)
{
    public override GrainCall CreateCall(object?[] arguments, RequestContext? context, long timestamp)
        => new MethodCall<TResult>(this, arguments, context, timestamp);

    public override Task Route(IGrainCallRouter router, GrainId grainId, int partition, object?[] arguments)
        => router.Route<TResult>(this, grainId, partition, arguments);

    public override byte[] SerializeResult(Task completedTurn)
        => ResultType is null
            ? "null"u8.ToArray()
            : JsonSerializer.SerializeToUtf8Bytes(((Task<TResult>)completedTurn).GetAwaiter().GetResult(), RuntimeJson.DefaultOptions);
}

/// <summary>Delivers calls whose result it must produce itself, as a typed task (a remote call's result arrives as JSON).</summary>
internal interface IGrainCallRouter
{
    Task Route<TResult>(GrainMethod method, GrainId grainId, int partition, object?[] arguments);
}
