namespace Benchmarks.Tests;

/// <summary>
/// Benchmarks and load tests each want the machine's two cores to themselves: in this collection they run one after
/// another rather than in parallel, so none times out because another is running.
/// </summary>
[CollectionDefinition(Name)]
public sealed class OneAtATime
{
    public const string Name = "one load at a time";
}
