using System.Collections.Frozen;
using System.Text.Json.Nodes;
using BlobStorage;
using Grains.Orders;
using Microsoft.OpenApi;
using WebFrontend.Features.Orders;
using WebFrontend.Http;

namespace WebFrontend.OpenApi;

/// <summary>
/// How each query parameter an endpoint allows (<see cref="AllowedQueryParameters"/>) is documented. The handlers read
/// the query themselves, so the framework cannot see these; a name missing here fails the document, not silently.
/// </summary>
public static class QueryParameterDocs
{
    private const string IdentifierPattern = "^[A-Za-z0-9_-]{1,64}$";

    private static readonly FrozenDictionary<string, (string Description, Func<OpenApiSchema> Schema)> s_byName =
        new Dictionary<string, (string, Func<OpenApiSchema>)>
        {
            ["limit"] = ("How many items a page holds.", () => new OpenApiSchema
            {
                Type = JsonSchemaType.Integer,
                Format = "int32",
                Minimum = "1",
                Maximum = ListQuery.MaxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Default = JsonValue.Create(ListQuery.DefaultLimit),
            }),
            ["cursor"] = ("Where the page starts: the previous page's opaque `next_cursor`, for the same list and sort order.", () => new OpenApiSchema { Type = JsonSchemaType.String }),
            ["q"] = ("A case-insensitive search in product names.", () => new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 100 }),
            ["sort"] = ("The order of the list: by name, by price, or by price descending.", () => new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Enum = [JsonValue.Create("name"), JsonValue.Create("price"), JsonValue.Create("-price")],
                Default = JsonValue.Create("name"),
            }),
            ["status"] = ("Only orders in this status.", () => new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Enum = [.. Enum.GetValues<OrderStatus>().Select(s => (JsonNode)JsonValue.Create(OrderStatusNames.Of(s)))],
            }),
            ["customer_id"] = ("Only this customer's orders (staff; a customer always sees their own only).", () => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = IdentifierPattern }),
            ["created_from"] = ("Only orders created at or after this RFC 3339 timestamp (with an offset).", () => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" }),
            ["created_to"] = ("Only orders created before this RFC 3339 timestamp (with an offset); after `created_from`.", () => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" }),
            [SignedBlobLinks.NameParameter] = ("The file name the download is saved as; signed.", () => new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1 }),
            [SignedBlobLinks.TypeParameter] = ("The content type the file is served as; signed.", () => new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1 }),
            [SignedBlobLinks.ExpiresParameter] = ("When a signed link (a download's or an upload's) stops working, in Unix seconds; signed.", () => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "0" }),
            [SignedBlobLinks.SignatureParameter] = ("HMAC-SHA256 of the link's fields, base64url: a download's key, `name`, `type` and `expires`; an upload's id, `content_type`, `max_size` and `expires`.", () => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[A-Za-z0-9_-]{43}$" }),
            ["max_size"] = ("Part of an upload link, as given: the most bytes it takes; signed.", () => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "1" }),
            ["content_type"] = ("Part of an upload link, as given: the one content type it takes; signed.", () => new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1 }),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    public static OpenApiParameter For(string name)
    {
        if (!s_byName.TryGetValue(name, out var doc))
        {
            throw new InvalidOperationException($"Query parameter {name} is allowed by an endpoint but not documented in {nameof(QueryParameterDocs)}.");
        }

        return new OpenApiParameter { Name = name, In = ParameterLocation.Query, Description = doc.Description, Schema = doc.Schema() };
    }
}
