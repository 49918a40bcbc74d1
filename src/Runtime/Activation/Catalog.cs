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
/// Handing a partition to another silo must not race a call that is creating an activation of it. The hand-off fences
/// the partition and then looks for its activations; a call that creates an activation inserts it and then checks
/// the fence again, each side with a full barrier between its write and its read. Either the creator sees the fence
/// (and deactivates what it created) or the hand-off sees the activation (and waits for it). Calls to existing
/// activations need no such care: the hand-off deactivates those, and deactivation lets running calls finish.
/// </remarks>
internal sealed class Catalog : IGrainCallInvoker
{
    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();
    private readonly GrainTypeRegistry _registry;
    private readonly ActivationServices _services;
    private readonly PartitionFunction _partitions;
    private readonly IPartitionOwnership _ownership;
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
        _services = new ActivationServices(this, grainFactory, options.Value, timeProvider, activator, reminders, metrics, activationLogger);
    }

    public int Count => _activations.Count;

    /// <summary>A live, lock-free enumeration (ConcurrentDictionary.Values would take every lock to copy).</summary>
    public IEnumerable<ActivationData> Activations => _activations.Select(pair => pair.Value);

    public void Start() => _acceptingCalls = true;

    public Task Invoke(GrainId grainId, int partition, GrainMethod method, object?[] arguments)
        => Dispatch(grainId, partition, method.CreateCall(arguments, RequestContext.Current, _services.TimeProvider.GetTimestamp()));

    public Task Dispatch(GrainId grainId, int partition, GrainCall call)
    {
        if (!_ownership.ServesAll && !_ownership.IsServing(partition))
        {
            call.TryFail(new PartitionMovedException(grainId, partition));
            return call.Task;
        }

        while (true)
        {
            if (!TryGetOrCreate(grainId, partition, call, out var activation))
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

    /// <summary>
    /// Deactivates every activation of partitions this silo has just stopped serving (fenced by the caller), each
    /// after its running calls finish and its state is flushed. Calls queued on them are refused as moved.
    /// </summary>
    public async Task DeactivatePartitionsAsync(IReadOnlyCollection<int> partitions)
    {
        var handedOff = partitions.ToHashSet();

        // Pairs with the barrier in TryGetOrCreate: the fence was written before this first look.
        Interlocked.MemoryBarrier();
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

    /// <summary>Removes a finished activation and delivers the calls it never started to its successor.</summary>
    public void OnDeactivated(ActivationData activation, IReadOnlyList<GrainCall> undelivered)
    {
        _activations.TryRemove(KeyValuePair.Create(activation.GrainId, activation));
        foreach (var call in undelivered.Where(c => c.IsForwardable))
        {
            Forward(activation.GrainId, activation.Partition, call);
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
    private void Forward(GrainId grainId, int partition, GrainCall call)
    {
        if (!_ownership.ServesAll && !_ownership.IsServing(partition))
        {
            call.TryFail(new PartitionMovedException(grainId, partition));
            return;
        }

        while (TryGetOrCreate(grainId, partition, call, out var activation))
        {
            if (activation.TryEnqueue(call))
            {
                return;
            }

            _activations.TryRemove(KeyValuePair.Create(grainId, activation));
        }
    }

    private bool TryGetOrCreate(GrainId grainId, int partition, GrainCall call, out ActivationData activation)
    {
        if (!_acceptingCalls)
        {
            call.TryFail(new GrainUnavailableException($"Grain {grainId} is unavailable: this silo is not accepting calls (not started, or stopping)."));
            activation = null!;
            return false;
        }

        if (_activations.TryGetValue(grainId, out activation!))
        {
            return true;
        }

        ActivationData created;
        try
        {
            created = new ActivationData(grainId, partition, _registry.Get(grainId.Type), _services);
        }
        catch (Exception exception)
        {
            call.TryFail(exception);
            activation = null!;
            return false;
        }

        activation = _activations.GetOrAdd(grainId, created);
        if (!ReferenceEquals(activation, created) || _ownership.ServesAll)
        {
            return true;
        }

        // Pairs with the barrier in DeactivatePartitionsAsync (see the remarks on this class).
        Interlocked.MemoryBarrier();
        if (_ownership.IsServing(partition))
        {
            return true;
        }

        // Fenced meanwhile: retire it the normal way, so a call another dispatcher already queued on it is refused too.
        created.Deactivate(new DeactivationReason(DeactivationReasonCode.PartitionMoved, "The grain's partition moved to another silo."));
        call.TryFail(new PartitionMovedException(grainId, partition));
        return false;
    }
}
