using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace WebFrontend.Http;

/// <summary>Builds the API's problem responses: stable type, title, status, detail, instance and request id.</summary>
public static class Problem
{
    public static ProblemHttpResult Of(HttpContext context, int status, string type, string title, string? detail = null, IDictionary<string, object?>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail };
        if (extensions is not null)
        {
            foreach (var (name, value) in extensions)
            {
                problem.Extensions[name] = value;
            }
        }

        Complete(problem, context);
        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult Validation(HttpContext context, IDictionary<string, string[]> errors, string? detail = null)
        => Of(context, StatusCodes.Status400BadRequest, ProblemTypes.ValidationFailed, "The request is not valid.", detail ?? "See errors for each field.", new Dictionary<string, object?> { ["errors"] = errors });

    public static ProblemHttpResult Validation(HttpContext context, string field, string message)
        => Validation(context, new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult NotFound(HttpContext context, string detail)
        => Of(context, StatusCodes.Status404NotFound, ProblemTypes.NotFound, "Not found.", detail);

    /// <summary>Fills what every problem carries, for ours and for the ones the framework makes.</summary>
    public static void Complete(ProblemDetails problem, HttpContext context)
    {
        problem.Status ??= context.Response.StatusCode;
        if (problem.Type is null || !problem.Type.StartsWith(ProblemTypes.Prefix, StringComparison.Ordinal))
        {
            // The framework's own problems (routing 404 and 405, say) get our stable types too.
            problem.Type = ProblemTypes.ForStatus(problem.Status.Value);
        }

        problem.Instance ??= context.Request.Path;
        problem.Extensions["request_id"] = context.TraceIdentifier;
    }
}
