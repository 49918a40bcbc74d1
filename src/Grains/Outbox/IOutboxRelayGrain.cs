namespace Grains.Outbox;

/// <summary>The relay of one shard of the outbox (keyed by the shard's number): one activation in the cluster.</summary>
public interface IOutboxRelayGrain : IGrainWithIntegerKey
{
    /// <summary>Makes sure the relay runs (activating it is what starts it); answers at once.</summary>
    [AlwaysInterleave]
    Task KeepRunning();

    /// <summary>
    /// Answers once the relay's round in progress, if any, has ended (rounds do not interleave with calls): a test or an
    /// operator's check that what the relay was doing is done.
    /// </summary>
    Task Settled();
}
