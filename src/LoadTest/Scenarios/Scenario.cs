using System.Text.Json.Nodes;
using LoadTest.Measuring;

namespace LoadTest.Scenarios;

/// <summary>
/// One scenario: what it sets up before the clock starts, one iteration (run by many workers at once), which answers
/// besides successes it expects, and what must hold once the run is over.
/// </summary>
public abstract class Scenario
{
    public abstract string Name { get; }

    /// <summary>Lines describing the run's setup (product, stock, buyers), printed before it starts and kept in the JSON.</summary>
    public abstract JsonObject Setup { get; }

    public abstract Task PrepareAsync(CancellationToken cancellationToken);

    /// <summary>Iteration <paramref name="iteration"/> (0, 1, 2, … across all workers): one purchase attempt, read or checkout.</summary>
    public abstract Task RunOnceAsync(long iteration, CancellationToken cancellationToken);

    /// <summary>Whether an answer that is not a 2xx is one the scenario provokes on purpose (sold out, shed by a rate limit).</summary>
    public abstract bool IsExpectedRefusal(Answer answer);

    /// <summary>Reads the target's state after the load phase of <paramref name="elapsed"/> and checks it.</summary>
    public abstract Task<Verdict> VerifyAsync(TimeSpan elapsed, CancellationToken cancellationToken);
}

/// <summary>One thing that must hold after a run, whether it did, and the numbers that say so.</summary>
public sealed record Check(string Name, bool Passed, string Detail);

/// <summary>What a scenario found after its run: its checks, the fields of the summary line and the numbers for the JSON.</summary>
public sealed record Verdict(IReadOnlyList<Check> Checks, IReadOnlyList<KeyValuePair<string, string>> SummaryFields, JsonObject Details);
