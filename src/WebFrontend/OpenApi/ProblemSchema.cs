using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using WebFrontend.Http;

namespace WebFrontend.OpenApi;

/// <summary>The one schema of every error body: RFC 9457 problem details as <see cref="Problem"/> writes them.</summary>
public static class ProblemSchema
{
    public const string Id = "Problem";
    public const string MediaType = "application/problem+json";

    public static OpenApiSchema Create() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An RFC 9457 problem. Clients switch on `type`, never on `title` or `detail`; docs/api.md lists every type with its status.",
        Required = new HashSet<string> { "type", "title", "status", "instance", "request_id" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Format = "uri",
                Description = $"The stable problem type, such as `{ProblemTypes.OutOfStock}`.",
                Examples = [JsonValue.Create(ProblemTypes.ValidationFailed)],
            },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A short human-readable summary of the type." },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status code." },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong with this request, for people." },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request's path." },
            ["request_id"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request id (`X-Request-Id`), as the logs show it." },
            ["trace_id"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The W3C trace context of the request (`traceparent`), for tracing tools." },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "`validation-failed` only: messages by field, named as the client sent it (`items[2].quantity`, `If-Match`, a query parameter).",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
            ["product_ids"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Description = "`out-of-stock` and `product-not-found` only: the products concerned.",
                Items = new OpenApiSchema { Type = JsonSchemaType.String },
            },
        },
    };
}
