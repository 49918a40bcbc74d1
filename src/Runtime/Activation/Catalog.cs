using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Runtime.Diagnostics;
using Runtime.Hosting;
using Runtime.Invocation;
using Runtime.Metadata;
using Runtime.Reminders;

namespace Runtime.Activation;

/// <summary>
/// The silo's activation directory: finds or creates the one activation of a grain and hands it the call.
/// </summary>
internal sealed class Catalog : IGrainCallInvoker
{
    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();
    private readonly GrainTypeRegistry _registry;
    private readonly ActivationServices _services;
    private readonly Func<GrainId, ActivationData> _createActivation;
    private volatile bool _acceptingCalls;

    public Catalog(
        GrainTypeRegistry registry,
        IOptions<SiloOptions> options,
        TimeProvider timeProvider,
        GrainActivator activator,
        ReminderRegistry reminders,
        RuntimeMetrics metrics,
        ILogger<ActivationData> activationLogger)
    {
        _registry = registry;
        GrainFactory = new GrainFactory(this);
        _services = new ActivationServices(this, GrainFactory, options.Value, timeProvider, activator, reminders, metrics, activationLogger);
        _createActivation = grainId => new ActivationData(grainId, _registry.Get(grainId.Type), _services);
    }

    public GrainFactory GrainFactory { get; }

    public int Count => _activations.Count;

    /// <summary>A live, lock-free enumeration (ConcurrentDictionary.Values would take every lock to copy).</summary>
    public IEnumerable<ActivationData> Activations => _activations.Select(pair => pair.Value);

    public void Start() => _acceptingCalls = true;

    public Task Invoke(GrainId grainId, GrainMethod method, object?[] arguments)
        => Dispatch(grainId, method.CreateCall(arguments, RequestContext.Current, _services.TimeProvider.GetTimestamp()));

    public Task Dispatch(GrainId grainId, GrainCall call)
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

    private void Forward(GrainId grainId, GrainCall call)
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
            activation = _activations.GetOrAdd(grainId, _createActivation);
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
