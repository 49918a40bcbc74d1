using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;
using WebFrontend.Features.Uploads;
using WebFrontend.Hosting;
using WebFrontend.Http;
using WebFrontend.Idempotency;
using WebFrontend.RateLimiting;

namespace WebFrontend.OpenApi;

/// <summary>
/// Completes each operation from its endpoint's metadata: the bearer requirement, the query and header parameters the
/// handler reads itself, and every problem it can answer — its own declared types and those its kind shares (auth,
/// idempotency, bodies, the cluster gate) — each status as <c>application/problem+json</c> naming its types.
/// </summary>
public sealed class OperationTransformer : IOpenApiOperationTransformer
{
    /// <summary>The problems answered with <c>Retry-After</c>.</summary>
    private static readonly HashSet<string> s_retryAfterTypes =
        [ProblemTypes.ServiceUnavailable, ProblemTypes.GatewayUnavailable, ProblemTypes.IdempotencyKeyInFlight, ProblemTypes.RateLimited, ProblemTypes.Overloaded];

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var problems = new SortedDictionary<int, List<string>>();
        void Add(string type)
        {
            var status = ProblemStatuses.Of(type);
            if (!problems.TryGetValue(status, out var types))
            {
                problems[status] = types = [];
            }

            if (!types.Contains(type))
            {
                types.Add(type);
            }
        }

        foreach (var type in metadata.OfType<ProblemTypeMetadata>().SelectMany(m => m.Types))
        {
            Add(type);
        }

        operation.Parameters ??= [];
        if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(DocumentTransformer.BearerScheme, context.Document)] = [] }];
            Add(ProblemTypes.Unauthorized);
            Add(ProblemTypes.Forbidden);
        }

        if (metadata.OfType<QueryParametersChecked>().Any())
        {
            Add(ProblemTypes.ValidationFailed);
        }

        foreach (var name in metadata.OfType<AllowedQueryParameters>().SelectMany(m => m.Names).Order(StringComparer.Ordinal))
        {
            operation.Parameters.Add(QueryParameterDocs.For(name));
        }

        if (metadata.OfType<ConditionalRequestMetadata>().FirstOrDefault() is { } conditions)
        {
            operation.Parameters.Add(Header("If-Match", conditions.IfMatchRequired,
                "`*` or entity tags: the request applies only if one is the current `ETag` (strong comparison); otherwise 412."));
            operation.Parameters.Add(Header("If-None-Match", required: false,
                "`*` or entity tags: on GET a match answers 304 without a body; on PUT a match is 412 (weak comparison)."));
            Add(ProblemTypes.ValidationFailed);
        }

        if (metadata.OfType<RequiresIdempotencyKey>().Any())
        {
            operation.Parameters.Add(Header(IdempotencyMiddleware.KeyHeader, required: true,
                "1 to 255 printable ASCII characters, new for each intended change: a retry with the same key and request is answered "
                + "as the first was (`Idempotent-Replayed: true`), never applied twice."));
            Add(ProblemTypes.IdempotencyKeyMissing);
            Add(ProblemTypes.IdempotencyKeyInvalid);
            Add(ProblemTypes.IdempotencyKeyInFlight);
            Add(ProblemTypes.IdempotencyKeyReused);
        }

        if (operation.RequestBody is not null && metadata.OfType<StreamedRequestBody>().Any())
        {
            // Raw bytes, streamed: never parsed, so never malformed.
            Add(ProblemTypes.PayloadTooLarge);
            Add(ProblemTypes.UnsupportedMediaType);
        }
        else if (operation.RequestBody is not null)
        {
            Add(ProblemTypes.ValidationFailed);
            Add(ProblemTypes.MalformedBody);
            Add(ProblemTypes.PayloadTooLarge);
            Add(ProblemTypes.UnsupportedMediaType);
        }

        if (metadata.OfType<RequiresCluster>().Any())
        {
            Add(ProblemTypes.ServiceUnavailable);
        }

        var rateLimiting = metadata.OfType<EnableRateLimitingAttribute>().LastOrDefault();
        if (ClientRateLimits.BudgetOf(context.Description.HttpMethod ?? HttpMethods.Get, rateLimiting) != RateLimitBudget.None)
        {
            Add(ProblemTypes.RateLimited);
        }

        if (rateLimiting?.PolicyName is OrderPlacementConcurrency.PolicyName or UploadConcurrency.PolicyName)
        {
            Add(ProblemTypes.Overloaded);
        }

        Add(ProblemTypes.InternalError);
        if (operation.Parameters.Count == 0)
        {
            operation.Parameters = null;
        }

        operation.Responses ??= [];
        foreach (var (status, code) in operation.Responses.Select(r => (int.Parse(r.Key, System.Globalization.CultureInfo.InvariantCulture), r.Key)).ToList())
        {
            if (status >= 400 && !problems.ContainsKey(status))
            {
                throw new InvalidOperationException(
                    $"{context.Description.HttpMethod} {context.Description.RelativePath} declares {code} but no problem type for it: add it with {nameof(ProblemTypeEndpointExtensions.ProducesProblemTypes)}.");
            }
        }

        foreach (var (status, types) in problems)
        {
            operation.Responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = ProblemResponse(status, types, context.Document);
        }

        return Task.CompletedTask;
    }

    private static OpenApiParameter Header(string name, bool required, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = required,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };

    private static OpenApiResponse ProblemResponse(int status, IEnumerable<string> types, OpenApiDocument? document)
    {
        var response = new OpenApiResponse
        {
            Description = $"{ReasonPhrases.GetReasonPhrase(status)}: a problem of type {string.Join(", ", types.Select(t => $"`{t[ProblemTypes.Prefix.Length..]}`"))}.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [ProblemSchema.MediaType] = new() { Schema = new OpenApiSchemaReference(ProblemSchema.Id, document) },
            },
        };
        if (types.Any(s_retryAfterTypes.Contains))
        {
            response.Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait before retrying.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" } },
            };
        }

        return response;
    }
}
