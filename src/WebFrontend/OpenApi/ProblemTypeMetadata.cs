using WebFrontend.Http;

namespace WebFrontend.OpenApi;

/// <summary>The domain problems an endpoint answers, beyond those every endpoint of its kind shares (auth, idempotency, bodies).</summary>
public sealed class ProblemTypeMetadata(params string[] types)
{
    public IReadOnlyList<string> Types { get; } = types;
}

/// <summary>Marks an endpoint that evaluates <c>If-Match</c> and <c>If-None-Match</c> (RFC 9110 §13); <c>PUT</c> requires <c>If-Match</c>.</summary>
public sealed class ConditionalRequestMetadata(bool ifMatchRequired)
{
    public bool IfMatchRequired { get; } = ifMatchRequired;
}

public static class ProblemTypeEndpointExtensions
{
    /// <summary>Declares the problem types (<see cref="ProblemTypes"/>) the endpoint itself answers, so clients see each under its status.</summary>
    public static TBuilder ProducesProblemTypes<TBuilder>(this TBuilder builder, params string[] types) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new ProblemTypeMetadata(types));

    public static TBuilder AcceptsConditions<TBuilder>(this TBuilder builder, bool ifMatchRequired = false) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new ConditionalRequestMetadata(ifMatchRequired));
}
