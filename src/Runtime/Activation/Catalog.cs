using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Runtime.Cluster;
using Runtime.Diagnostics;
using Runtime.Hosting;
using Runtime.Invocation;
using Runtime.Metadata;
using Runtime.Partitioning;
using Runtime.Reminders;

namespace Runtime.Activation;

/// <summary>
/// The silo's activation directory: finds or creates the one activation of a grain and hands it the call, provided
/// this silo serves the grain's partition.
/// </summary>
/// <remarks>
/// Handing a partition to another silo must not race a call that is creating an activation of it. A dispatch counts
/// itself in for its partition before checking the fence, and the hand-off, after fencing, waits until no dispatch
/// is counted in before it looks for the partition's activations: either the dispatch saw the fence, or the hand-off
/// sees its activation. Both sides use interlocked operations, so neither read can be reordered before its write.
/// </remarks>
internal sealed class Catalog : IGrainCallInvoker
{
    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();
    private readonly GrainTypeRegistry _registry;
    private readonly ActivationServices _services;
    private readonly PartitionFunction _partitions;
    private readonly IPartitionOwnership _ownership;
    private readonly int[] _dispatching;
    private volatile bool _acceptingCalls;

    public Catalog(
        GrainTypeRegistry registry,
        IOptions<SiloOptions> options,
        TimeProvider timeProvider,
        GrainActivator activator,
        ReminderRegistry reminders,
        RuntimeMetrics metrics,
        PartitionFunction partitions,
        IPartitionOwnership ownership,
        Lazy<IGrainFactory> grainFactory,
        ILogger<ActivationData> activationLogger)
    {
        _registry = registry;
        _partitions = partitions;
        _ownership = ownership;
        _dispatching = new int[partitions.PartitionCount];
        _services = new ActivationServices(this, grainFactory, options.Value, timeProvider, activator, reminders, metrics, activationLogger);
    }

    public int Count => _activations.Count;

    /// <summary>A live, lock-free enumeration (ConcurrentDictionary.Values would take every lock to copy).</summary>
    public IEnumerable<ActivationData> Activations => _activations.Select(pair => pair.Value);

    public void Start() => _acceptingCalls = true;

    public Task Invoke(GrainId grainId, GrainMethod method, object?[] arguments)
        => Dispatch(grainId, method.CreateCall(arguments, RequestContext.Current, _services.TimeProvider.GetTimestamp()));

    public Task Dispatch(GrainId grainId, GrainCall call)
    {
        if (_ownership.ServesAll)
        {
            return DispatchServed(grainId, call);
        }

        var partition = _partitions.GetPartition(grainId);
        Interlocked.Increment(ref _dispatching[partition]);
        try
        {
            if (!_ownership.IsServing(partition))
            {
                call.TryFail(new PartitionMovedException(grainId, partition));
                return call.Task;
            }

            return DispatchServed(grainId, call);
        }
        finally
        {
            Interlocked.Decrement(ref _dispatching[partition]);
        }
    }

    /// <summary>
    /// Deactivates every activation of partitions this silo has just stopped serving (fenced by the caller), each
    /// after its running calls finish and its state is flushed. Calls queued on them are refused as moved.
    /// </summary>
    public async Task DeactivatePartitionsAsync(IReadOnlyCollection<int> partitions)
    {
        var handedOff = partitions.ToHashSet();
        foreach (var partition in handedOff)
        {
            var wait = new SpinWait();
            while (Volatile.Read(ref _dispatching[partition]) != 0)
            {
                wait.SpinOnce();
            }
        }

        var reason = new DeactivationReason(DeactivationReasonCode.PartitionMoved, "The grain's partition moved to another silo.");
        while (Activations.Where(a => handedOff.Contains(a.Partition)).ToArray() is { Length: > 0 } leaving)
        {
            foreach (var activation in leaving)
            {
                activation.Deactivate(reason);
            }

            await Task.WhenAll(leaving.Select(a => a.Deactivated)).ConfigureAwait(false);
        }
    }

    /// <summary>Stops taking calls at once and leaves activations as they are: the in-process stand-in for kill -9.</summary>
    public void Halt() => _acceptingCalls = false;

    private Task DispatchServed(GrainId grainId, GrainCall call)
    {
        while (true)
        {
            if (!TryGetOrCreate(grainId, call, out var activation))
            {
                return call.Task;
            }

            if (activation.Invoke(call) is { } task)
            {
                return task;
            }

            // That activation has just finished deactivating; take it out ourselves rather than spin until it does.
            _activations.TryRemove(KeyValuePair.Create(grainId, activation));
        }
    }

    /// <summary>Removes a finished activation and delivers the calls it never started to its successor.</summary>
    public void OnDeactivated(ActivationData activation, IReadOnlyList<GrainCall> undelivered)
    {
        _activations.TryRemove(KeyValuePair.Create(activation.GrainId, activation));
        foreach (var call in undelivered.Where(c => c.IsForwardable))
        {
            Forward(activation.GrainId, call);
        }
    }

    /// <summary>Stops taking calls and deactivates every activation, each after its running calls and writes finish.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _acceptingCalls = false;

        // A call that passed the check just before may still add an activation; sweep until none is left.
        while (!_activations.IsEmpty)
        {
            var activations = Activations.ToArray();
            foreach (var activation in activations)
            {
                activation.Deactivate(DeactivationReason.ShuttingDown);
            }

            await Task.WhenAll(activations.Select(a => a.Deactivated)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Queues a call that a finished activation never started onto its successor, under the same fence as a dispatch.</summary>
    private void Forward(GrainId grainId, GrainCall call)
    {
        if (_ownership.ServesAll)
        {
            ForwardServed(grainId, call);
            return;
        }

        var partition = _partitions.GetPartition(grainId);
        Interlocked.Increment(ref _dispatching[partition]);
        try
        {
            if (_ownership.IsServing(partition))
            {
                ForwardServed(grainId, call);
            }
            else
            {
                call.TryFail(new PartitionMovedException(grainId, partition));
            }
        }
        finally
        {
            Interlocked.Decrement(ref _dispatching[partition]);
        }
    }

    private void ForwardServed(GrainId grainId, GrainCall call)
    {
        while (TryGetOrCreate(grainId, call, out var activation))
        {
            if (activation.TryEnqueue(call))
            {
                return;
            }

            _activations.TryRemove(KeyValuePair.Create(grainId, activation));
        }
    }

    private ActivationData CreateActivation(GrainId grainId)
        => new(grainId, _partitions.GetPartition(grainId), _registry.Get(grainId.Type), _services);

    private bool TryGetOrCreate(GrainId grainId, GrainCall call, out ActivationData activation)
    {
        if (!_acceptingCalls)
        {
            call.TryFail(new GrainUnavailableException($"Grain {grainId} is unavailable: this silo is not accepting calls (not started, or stopping)."));
            activation = null!;
            return false;
        }

        try
        {
            activation = _activations.GetOrAdd(grainId, static (id, catalog) => catalog.CreateActivation(id), this);
            return true;
        }
        catch (Exception exception)
        {
            call.TryFail(exception);
            activation = null!;
            return false;
        }
    }
}
