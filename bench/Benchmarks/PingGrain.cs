using Orleans.Placement;
using Orleans.Runtime;

namespace Benchmarks;

[Alias("bench.ping")]
public interface IPingGrain : IGrainWithStringKey
{
    [Alias("ping")]
    Task<int> Ping(int value);

    /// <summary>The silo serving this activation, so a benchmark can tell its local calls from its remote ones.</summary>
    [Alias("silo")]
    Task<string> Silo();
}

/// <summary>
/// No I/O: measures the runtime's own cost per call. Placed on the silo that first calls it, so cluster-scale chooses
/// where each activation lives by which silo calls it first.
/// </summary>
[PreferLocalPlacement]
public sealed class PingGrain(ILocalSiloDetails silo) : Grain, IPingGrain
{
    public Task<int> Ping(int value) => Task.FromResult(value + 1);

    public Task<string> Silo() => Task.FromResult(silo.SiloAddress.ToParsableString());
}
