using System.Collections.Frozen;

namespace WebFrontend.Http;

/// <summary>The query parameters an endpoint accepts; any other (or a repeated one) is a 400. Endpoints without it accept none.</summary>
public sealed class AllowedQueryParameters(params string[] names)
{
    public FrozenSet<string> Names { get; } = names.ToFrozenSet(StringComparer.Ordinal);
}

/// <summary>Rejects unknown and repeated query parameters before the endpoint runs, so a typo is never silently ignored.</summary>
public sealed class QueryParameterFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var allowed = http.GetEndpoint()?.Metadata.GetMetadata<AllowedQueryParameters>()?.Names ?? FrozenSet<string>.Empty;
        var errors = new FieldErrors();
        foreach (var (name, values) in http.Request.Query)
        {
            if (!allowed.Contains(name))
            {
                errors.Add(name, "Unknown query parameter.");
            }
            else if (values.Count > 1)
            {
                errors.Add(name, "Given more than once.");
            }
        }

        return errors.Any ? Problem.Validation(http, errors.ToDictionary()) : await next(context);
    }
}

public static class QueryParameterEndpointExtensions
{
    public static TBuilder AllowQuery<TBuilder>(this TBuilder builder, params string[] names) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new AllowedQueryParameters(names));
}

/// <summary>Marks the endpoints behind <see cref="QueryParameterFilter"/>, whose unknown query parameters are a 400 (their documents say so).</summary>
public sealed class QueryParametersChecked;

public static class QueryParameterFilterExtensions
{
    /// <summary>Refuses unknown and repeated query parameters on every endpoint of the group.</summary>
    public static RouteGroupBuilder RejectUnknownQueryParameters(this RouteGroupBuilder group)
        => group.AddEndpointFilter<QueryParameterFilter>().WithMetadata(new QueryParametersChecked());
}
