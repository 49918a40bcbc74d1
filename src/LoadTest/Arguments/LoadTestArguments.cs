namespace LoadTest.Arguments;

/// <summary>One run's settings, every one validated (see <see cref="ArgumentParser"/>).</summary>
/// <param name="Requests">At most this many iterations (a purchase attempt, a read, a checkout) are started.</param>
/// <param name="Duration">No iteration is started after this much time.</param>
/// <param name="Product">The product to buy (flash-sale, checkout) or to read (browse; none: the first page of the catalogue).</param>
/// <param name="Stock">When set, the product is created or its stock reset to this through the API before the run.</param>
/// <param name="SigningKey">The front ends' HMAC-SHA256 key, to sign the buyers' and the manager's tokens.</param>
/// <param name="BuyerLimit">When set, a buyer with more orders than this fails the run (flash-sale).</param>
public sealed record LoadTestArguments(
    Uri Target,
    ScenarioName Scenario,
    long Requests,
    TimeSpan Duration,
    int Concurrency,
    int Buyers,
    string? Product,
    int? Stock,
    string? SigningKey,
    string Issuer,
    string Audience,
    string OutputPath,
    int? BuyerLimit,
    bool Smoke);
