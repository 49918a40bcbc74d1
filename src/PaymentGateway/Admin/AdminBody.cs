using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace PaymentGateway.Admin;

/// <summary>Reads an admin request body; anything that is not one JSON object of the expected shape is a 400 problem.</summary>
public static class AdminBody
{
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo) where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var value = await JsonSerializer.DeserializeAsync(context.Request.Body, typeInfo, context.RequestAborted);
            return value is null ? (null, Malformed("The body must be a JSON object.")) : (value, null);
        }
        catch (JsonException exception)
        {
            return (null, Malformed(exception.Message));
        }
    }

    public static IResult Invalid(string field, string message)
        => TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The request is not valid.");

    private static IResult Malformed(string detail)
        => TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Malformed request body.");
}
