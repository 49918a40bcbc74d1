using Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;

namespace Grains.Persistence.Tests.Infrastructure;

/// <summary>The typed provider ("commerce") from a silo's services, called as Orleans calls it for one grain's state.</summary>
public sealed class TypedProvider(IServiceProvider silo)
{
    private readonly IGrainStorage _storage = silo.GetRequiredKeyedService<IGrainStorage>(StorageNames.Commerce);

    /// <summary>A grain's state as an activation holds it, not written yet (no ETag).</summary>
    public StoredGrain<TState> Activation<TState>(string key, TState state) => new(_storage, key, new GrainState<TState>(state));

    /// <summary>A new grain of <paramref name="sample"/>'s type whose state its grain has written once.</summary>
    public async Task<StoredGrain<TState>> CreateAsync<TState>(StateSample<TState> sample)
    {
        var key = sample.NewKey();
        var grain = Activation(key, sample.Create(key));
        await grain.WriteAsync();
        return grain;
    }

    /// <summary>What a new activation of the grain reads.</summary>
    public async Task<StoredGrain<TState>> ReadAsync<TState>(string key) where TState : new()
    {
        var grain = Activation(key, new TState());
        await _storage.ReadStateAsync(typeof(TState).Name, StoredGrain<TState>.Id(key), grain.GrainState);
        return grain;
    }
}

/// <summary>One grain's state and the ETag its activation holds.</summary>
public sealed class StoredGrain<TState>(IGrainStorage storage, string key, GrainState<TState> grainState)
{
    public string Key { get; } = key;

    public GrainState<TState> GrainState { get; } = grainState;

    public TState State => GrainState.State!;

    public string? ETag => GrainState.ETag;

    public bool RecordExists => GrainState.RecordExists;

    public Task WriteAsync() => storage.WriteStateAsync(typeof(TState).Name, Id(Key), GrainState);

    public Task ClearAsync() => storage.ClearStateAsync(typeof(TState).Name, Id(Key), GrainState);

    /// <summary>Another activation of the same grain, holding <paramref name="state"/> at <paramref name="etag"/>.</summary>
    public StoredGrain<TState> Twin(TState state, string? etag) => new(storage, Key, new GrainState<TState>(state) { ETag = etag, RecordExists = etag is not null });

    internal static GrainId Id(string key) => GrainId.Create(typeof(TState).Name.ToLowerInvariant(), key);
}
