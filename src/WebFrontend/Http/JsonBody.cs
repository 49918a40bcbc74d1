using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace WebFrontend.Http;

/// <summary>
/// Reads a JSON request body strictly: JSON content type (415), size limit (413), well-formed JSON object (400),
/// no unknown fields and no wrong types (400 with the offending field), before any validation of values.
/// </summary>
public static class JsonBody
{
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo) where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Request.HasJsonContentType())
        {
            return (null, Http.Problem.Of(context, StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedMediaType, "Unsupported media type.", "Send the body as application/json."));
        }

        if (await RequestBody.ReadAsync(context) is not { } body)
        {
            return (null, TooLarge(context));
        }

        // A first pass with the reader tells malformed JSON (400 malformed-body) from a well-formed body whose fields
        // are wrong (400 with the field named); bodies are small (the limit), so reading them twice costs little.
        if (!IsWellFormedObject(body.Bytes.Span))
        {
            return (null, Malformed(context, "The body must be one well-formed JSON object."));
        }

        try
        {
            return (JsonSerializer.Deserialize(body.Bytes.Span, typeInfo)!, null);
        }
        catch (JsonException exception)
        {
            // Well-formed, so this is an unknown field, a field given twice, or a value of the wrong type or range.
            return (null, Http.Problem.Validation(context, FieldOf(exception), MessageFor(exception)));
        }
    }

    public static IResult TooLarge(HttpContext context)
        => Http.Problem.Of(context, StatusCodes.Status413PayloadTooLarge, ProblemTypes.PayloadTooLarge, "Request body too large.", "The body is over the size limit.");

    private static IResult Malformed(HttpContext context, string detail)
        => Http.Problem.Of(context, StatusCodes.Status400BadRequest, ProblemTypes.MalformedBody, "Malformed request body.", detail);

    private static bool IsWellFormedObject(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string MessageFor(JsonException exception)
    {
        if (exception.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return "Unknown field.";
        }

        return exception.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase) ? "Given more than once." : "Wrong type or out of range.";
    }

    /// <summary>"$.items[0].quantity" → "items[0].quantity".</summary>
    private static string FieldOf(JsonException exception)
        => exception.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
}
