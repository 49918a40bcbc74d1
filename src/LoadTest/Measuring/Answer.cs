using System.Globalization;

namespace LoadTest.Measuring;

/// <summary>
/// What one request got back, as counted: the status code and, for a problem, its stable type (the last segment of
/// <c>type</c>, such as <c>out-of-stock</c>); or, when no answer came, what failed on the way.
/// </summary>
public readonly record struct Answer(int Status, string? ProblemType = null, string? TransportError = null)
{
    public bool IsSuccess => Status is >= 200 and < 300;

    public bool IsTransportError => TransportError is not null;

    public bool IsServerError => Status >= 500;

    public static Answer Transport(string error) => new(0, TransportError: error);

    /// <summary>How the answer is listed in counts: <c>201</c>, <c>409 out-of-stock</c>, <c>transport: timeout</c>.</summary>
    public override string ToString() => TransportError is not null
        ? $"transport: {TransportError}"
        : ProblemType is null ? Status.ToString(CultureInfo.InvariantCulture) : $"{Status.ToString(CultureInfo.InvariantCulture)} {ProblemType}";
}
