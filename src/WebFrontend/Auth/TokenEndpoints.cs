using Microsoft.Extensions.Options;
using WebFrontend.Http;
using WebFrontend.OpenApi;

namespace WebFrontend.Auth;

public static class TokenEndpoints
{
    /// <summary>
    /// POST /auth/token for the built-in development users, in the Development environment only: anywhere else the
    /// route does not exist (404, absent from the OpenAPI document), whatever Auth:DevelopmentTokens says. In
    /// Development it answers 404 while Auth:DevelopmentTokens is off (appsettings.Development.json turns it on).
    /// </summary>
    public static void MapTokenEndpoints(this RouteGroupBuilder api, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!environment.IsDevelopment())
        {
            return;
        }

        api.MapPost("/auth/token", IssueAsync).AllowAnonymous().WithTags("Auth")
            .Accepts<TokenRequest>("application/json").Produces<TokenResponse>()
            .ProducesProblemTypes(ProblemTypes.InvalidCredentials, ProblemTypes.NotFound)
            .WithName("issueDevelopmentToken").WithSummary("Issue a development token")
            .WithDescription("Development only: a bearer token for a built-in user (admin, manager, staff, alice, bob; each one's password is its "
                + "name). 404 while `Auth__DevelopmentTokens` is off.");
    }

    private static async Task<IResult> IssueAsync(HttpContext context, IOptions<AuthOptions> options, TokenIssuer issuer)
    {
        if (!options.Value.DevelopmentTokens)
        {
            return Problem.NotFound(context, "Development tokens are disabled.");
        }

        var (request, problem) = await JsonBody.ReadAsync(context, ApiJson.Context.TokenRequest);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        errors.Text("username", request!.Username, 64);
        errors.Required("password", request.Password);
        if (errors.Any)
        {
            return Problem.Validation(context, errors.ToDictionary());
        }

        if (!DevelopmentUsers.All.TryGetValue(request.Username!, out var user) || !string.Equals(request.Password, user.Id, StringComparison.Ordinal))
        {
            return Problem.Of(context, StatusCodes.Status401Unauthorized, ProblemTypes.InvalidCredentials, "Invalid credentials.", "Unknown user or wrong password.");
        }

        return TypedResults.Json(issuer.Issue(user.Id, user.Name, [user.Role]), ApiJson.Context.TokenResponse);
    }
}
