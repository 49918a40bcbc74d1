using Grains.Persistence.Tests.Infrastructure;
using Orleans.Providers;
using Orleans.Runtime;
using Orleans.Storage;

namespace Grains.Persistence.Tests.DefaultStorage;

/// <summary>
/// Our storage SQL under Orleans' AdoNetGrainStorage, the silo's "Default" provider: every write is conditional on the
/// version the activation read, and a lost race is InconsistentStateException whatever its shape.
/// </summary>
[Collection(SharedSilo.Name)]
public sealed class DefaultStorageTests(SiloOnFreshDatabase silo)
{
    private const string StateName = "payload";

    private readonly IGrainStorage _storage = silo.Keyed<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);

    [Fact]
    public async Task A_state_reads_back_as_last_written_with_a_new_etag_for_each_write()
    {
        var grain = NewGrain();
        var neverWritten = await ReadAsync(grain);
        var state = new GrainState<Payload>(new Payload { Text = "one", Number = 1 });

        await _storage.WriteStateAsync(StateName, grain, state);
        var first = state.ETag;
        state.State = new Payload { Text = "two", Number = 2 };
        await _storage.WriteStateAsync(StateName, grain, state);
        var read = await ReadAsync(grain);

        Assert.Equal((null, false, null), (neverWritten.ETag, neverWritten.RecordExists, neverWritten.State.Text));
        Assert.Equal(("1", "2"), (first, state.ETag));
        Assert.Equal(("2", true, "two", 2), (read.ETag, read.RecordExists, read.State.Text, read.State.Number));
    }

    [Fact]
    public async Task A_write_with_a_stale_or_no_etag_over_a_stored_state_throws_InconsistentStateException_and_changes_nothing()
    {
        var grain = NewGrain();
        var state = new GrainState<Payload>(new Payload { Text = "one" });
        await _storage.WriteStateAsync(StateName, grain, state);
        await _storage.WriteStateAsync(StateName, grain, state);

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync(StateName, grain, new GrainState<Payload>(new Payload { Text = "stale" }) { ETag = "1" }));
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync(StateName, grain, new GrainState<Payload>(new Payload { Text = "blind" })));
        var read = await ReadAsync(grain);

        Assert.Equal(("2", "one"), (read.ETag, read.State.Text));
    }

    [Fact]
    public async Task Two_activations_creating_the_same_state_at_once_one_wins_and_the_other_throws_InconsistentStateException()
    {
        var grain = NewGrain();

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 2).Select(async number =>
        {
            var exception = await Record.ExceptionAsync(() => _storage.WriteStateAsync(StateName, grain, new GrainState<Payload>(new Payload { Number = number })));
            return exception?.GetType();
        }));
        var read = await ReadAsync(grain);

        Assert.Equal([null, typeof(InconsistentStateException)], outcomes.OrderBy(type => type is not null));
        Assert.Equal("1", read.ETag);
        Assert.Equal(outcomes[0] is null ? 1 : 2, read.State.Number);
    }

    [Fact]
    public async Task Clear_keeps_the_row_without_a_state_at_a_new_etag_so_a_stale_activation_still_conflicts()
    {
        var grain = NewGrain();
        var state = new GrainState<Payload>(new Payload { Text = "one" });
        await _storage.WriteStateAsync(StateName, grain, state);
        await _storage.WriteStateAsync(StateName, grain, state);

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.ClearStateAsync(StateName, grain, new GrainState<Payload>(new Payload()) { ETag = "1", RecordExists = true }));
        await _storage.ClearStateAsync(StateName, grain, state);
        var row = await silo.Database.RowsAsync("SELECT payload IS NULL, version FROM orleans_storage WHERE grain_type = $1 AND grain_id_string = $2", StateName, KeyOf(grain));
        var cleared = await ReadAsync(grain);
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync(StateName, grain, new GrainState<Payload>(new Payload()) { ETag = "2" }));
        var again = new GrainState<Payload>(new Payload { Text = "again" }) { ETag = cleared.ETag };
        await _storage.WriteStateAsync(StateName, grain, again);

        Assert.Equal(("3", false), (state.ETag, state.RecordExists));
        Assert.Equal([[true, 3]], row);
        Assert.Equal(("3", false, null), (cleared.ETag, cleared.RecordExists, cleared.State.Text));
        Assert.Equal("4", again.ETag);
    }

    [Fact]
    public async Task With_DeleteStateOnClear_a_clear_deletes_the_row_unless_its_etag_is_stale_and_the_state_can_be_created_again()
    {
        var storage = silo.Keyed<IGrainStorage>(SiloOnFreshDatabase.DeleteOnClearStorage);
        var grain = NewGrain();
        var state = new GrainState<Payload>(new Payload { Text = "one" });
        await storage.WriteStateAsync(StateName, grain, state);
        await storage.WriteStateAsync(StateName, grain, state);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StateName, grain, new GrainState<Payload>(new Payload()) { ETag = "1", RecordExists = true }));
        var rowsAfterStaleClear = await RowCountAsync(grain);
        await storage.ClearStateAsync(StateName, grain, state);
        var rowsAfterClear = await RowCountAsync(grain);
        var cleared = (state.ETag, state.RecordExists);
        await storage.WriteStateAsync(StateName, grain, state);

        Assert.Equal((1L, 0L), (rowsAfterStaleClear, rowsAfterClear));
        Assert.Equal((null, false), cleared);
        Assert.Equal("1", state.ETag);
    }

    [Fact]
    public async Task Each_kind_of_grain_key_is_a_row_of_its_own_that_reads_back()
    {
        var guid = Guid.NewGuid();
        var integer = BitConverter.ToInt64(guid.ToByteArray());
        var type = GrainType.Create("storage-test");
        GrainId[] grains =
        [
            GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(guid)),
            GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(guid, "extension")),
            GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(integer)),
            GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(integer, "extension")),
            // Not a Guid's text: the provider would store that as the Guid key above.
            GrainId.Create(type, $"key-{guid:N}"),
        ];

        foreach (var grain in grains)
        {
            await _storage.WriteStateAsync(StateName, grain, new GrainState<Payload>(new Payload { Text = grain.ToString() }));
        }

        var read = new List<string?>();
        foreach (var grain in grains)
        {
            read.Add((await ReadAsync(grain)).State.Text);
        }

        Assert.Equal(grains.Select(grain => grain.ToString()), read);
    }

    [Fact]
    public async Task The_etag_goes_back_to_1_after_ints_maximum_because_the_provider_parses_it_as_an_int()
    {
        var grain = NewGrain();
        var state = new GrainState<Payload>(new Payload { Text = "busy" });
        await _storage.WriteStateAsync(StateName, grain, state);
        await silo.Database.ExecuteAsync("UPDATE orleans_storage SET version = 2147483647 WHERE grain_type = $1 AND grain_id_string = $2", StateName, KeyOf(grain));
        state.ETag = "2147483647";

        await _storage.WriteStateAsync(StateName, grain, state);

        Assert.Equal("1", state.ETag);
        Assert.Equal("1", (await ReadAsync(grain)).ETag);
    }

    private static GrainId NewGrain() => GrainId.Create("storage-test", $"key-{Guid.NewGuid():N}");

    /// <summary>How the provider stores a string key that is not a Guid's text: as the row's string part.</summary>
    private static string KeyOf(GrainId grain) => grain.Key.ToString()!;

    private Task<long> RowCountAsync(GrainId grain)
        => silo.Database.ScalarAsync<long>("SELECT count(*) FROM orleans_storage WHERE grain_type = $1 AND grain_id_string = $2", StateName, KeyOf(grain));

    /// <summary>What a new activation reads.</summary>
    private async Task<(Payload State, string? ETag, bool RecordExists)> ReadAsync(GrainId grain)
    {
        var state = new GrainState<Payload>(new Payload());
        await _storage.ReadStateAsync(StateName, grain, state);
        return (state.State!, state.ETag, state.RecordExists);
    }
}
