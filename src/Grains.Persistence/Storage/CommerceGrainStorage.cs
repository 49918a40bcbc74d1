using System.ComponentModel;
using System.Globalization;
using Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Grains.Persistence.Storage;

/// <summary>
/// The typed grain storage provider (<see cref="Grains.Storage.StorageNames.Commerce"/>): each state type goes to the
/// <see cref="IGrainStateStore{TState}"/> registered for it, which writes only what changed. Orleans never calls
/// <see cref="IChangeTracking.AcceptChanges"/>, so this provider clears a state's deltas itself, as soon as the store
/// has taken them: changes made while the write is in flight are the next write's. A grain this silo just created under a
/// new id (<see cref="NewGrainKeys"/>) is not read at all: there is nothing yet.
/// </summary>
public sealed class CommerceGrainStorage(IServiceProvider services) : IGrainStorage
{
    private readonly NewGrainKeys? _newGrains = services.GetService<NewGrainKeys>();

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var isNew = _newGrains?.TryTake(grainId) == true;
        if (isNew || await Store<T>().ReadAsync(grainId.Key.ToString()!, CancellationToken.None).ConfigureAwait(false) is not { } stored)
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        grainState.State = stored.State;
        grainState.ETag = stored.Etag.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var state = grainState.State ?? throw new ArgumentException("A grain state to write is never null.", nameof(grainState));
        var write = Store<T>().WriteAsync(grainId.Key.ToString()!, state, Etag(grainState), CancellationToken.None);
        (state as IChangeTracking)?.AcceptChanges();
        var etag = await write.ConfigureAwait(false);
        grainState.ETag = etag.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        if (Etag(grainState) is { } etag)
        {
            await Store<T>().ClearAsync(grainId.Key.ToString()!, etag, CancellationToken.None).ConfigureAwait(false);
        }

        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private static long? Etag<T>(IGrainState<T> grainState)
        => grainState.ETag is { } etag ? long.Parse(etag, NumberStyles.None, CultureInfo.InvariantCulture) : null;

    private IGrainStateStore<T> Store<T>()
        => services.GetService<IGrainStateStore<T>>()
            ?? throw new InvalidOperationException($"No typed store is registered for {typeof(T).Name}; it cannot use the '{Grains.Storage.StorageNames.Commerce}' storage.");
}
