using Grains.Idempotency;

namespace Grains.Tests;

public sealed class IdempotencyGrainTests : IAsyncLifetime
{
    private static readonly StoredResponse Created = new(201, "application/json", """{"id":"o-1"}""", []);

    private CommerceCluster _commerce = null!;

    public async Task InitializeAsync() => _commerce = await CommerceCluster.StartAsync();

    public async Task DisposeAsync() => await _commerce.DisposeAsync();

    private IIdempotencyGrain Key(string user, string key) => _commerce.Grains.GetGrain<IIdempotencyGrain>(IdempotencyKeys.GrainKey(user, key));

    [Fact]
    public async Task The_first_request_proceeds_and_a_retry_replays_its_response()
    {
        var first = await Key("alice", "k1").Begin("fp", TimeSpan.Zero);
        await Key("alice", "k1").Complete("fp", Created);
        var retry = await Key("alice", "k1").Begin("fp", TimeSpan.Zero);

        Assert.Equal(IdempotencyDecisionKind.Proceed, first.Kind);
        Assert.Equal((IdempotencyDecisionKind.Replay, Created), (retry.Kind, retry.Response));
    }

    [Fact]
    public async Task Another_request_under_the_same_key_is_refused_and_keys_belong_to_their_user()
    {
        await Key("alice", "k2").Begin("fp-a", TimeSpan.Zero);
        await Key("alice", "k2").Complete("fp-a", Created);

        Assert.Equal(IdempotencyDecisionKind.FingerprintMismatch, (await Key("alice", "k2").Begin("fp-b", TimeSpan.Zero)).Kind);
        Assert.Equal(IdempotencyDecisionKind.Proceed, (await Key("bob", "k2").Begin("fp-b", TimeSpan.Zero)).Kind);
    }

    [Fact]
    public async Task A_retry_while_the_first_runs_waits_for_its_response_or_hears_it_is_in_flight()
    {
        await Key("alice", "k3").Begin("fp", TimeSpan.Zero);

        Assert.Equal(IdempotencyDecisionKind.InFlight, (await Key("alice", "k3").Begin("fp", TimeSpan.Zero)).Kind);
        var waiting = Key("alice", "k3").Begin("fp", TimeSpan.FromSeconds(5));
        Assert.False(waiting.IsCompleted);
        await Key("alice", "k3").Complete("fp", Created);

        Assert.Equal(IdempotencyDecisionKind.Replay, (await waiting).Kind);
    }

    [Fact]
    public async Task An_abandoned_request_lets_the_next_retry_run()
    {
        await Key("alice", "k4").Begin("fp", TimeSpan.Zero);
        await Key("alice", "k4").Abandon("fp");

        Assert.Equal(IdempotencyDecisionKind.Proceed, (await Key("alice", "k4").Begin("fp", TimeSpan.Zero)).Kind);
    }

    [Fact]
    public async Task A_key_is_kept_for_the_retention_period_and_then_forgotten()
    {
        await Key("alice", "k5").Begin("fp", TimeSpan.Zero);
        await Key("alice", "k5").Complete("fp", Created);

        _commerce.Time.Advance(_commerce.Options.IdempotencyRetention);
        Assert.Equal(IdempotencyDecisionKind.Replay, (await Key("alice", "k5").Begin("fp", TimeSpan.Zero)).Kind);
        _commerce.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(IdempotencyDecisionKind.Proceed, (await Key("alice", "k5").Begin("other", TimeSpan.Zero)).Kind);
    }
}
