using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Orleans.Dashboard;
using WebFrontend.Auth;

namespace WebFrontend.Dashboard;

/// <summary>
/// The Orleans Dashboard at <c>/dashboard</c>, for admins, from a browser. The dashboard has no authentication of its
/// own and a browser cannot send a bearer header when it opens a page, so an admin signs in once with a token: a valid
/// admin token becomes a short-lived HttpOnly, SameSite=Strict cookie that only the dashboard accepts.
/// </summary>
public static class DashboardAccess
{
    public const string Path = "/dashboard";
    public const string SignInPath = Path + "/sign-in";
    public const string Scheme = "Dashboard";
    public const string CookieName = "commerce_dashboard";
    private const string Policy = "dashboard";

    /// <summary>How long a dashboard sign-in lasts; then the admin signs in again with a fresh token.</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromMinutes(15);

    public static IServiceCollection AddDashboardAccess(this IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(Scheme, options =>
        {
            options.Cookie.Name = CookieName;
            options.Cookie.Path = Path;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = SessionLifetime;
            options.SlidingExpiration = false;
            options.LoginPath = SignInPath;
            options.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(Scheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(context => context.User.Has(Permissions.ClusterRead)));
        services.AddAntiforgery();
        return services;
    }

    public static void MapDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOrleansDashboard(Path).RequireAuthorization(Policy).ExcludeFromDescription();
        app.MapGet(SignInPath, SignInPage).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(SignInPath, SignInAsync).AllowAnonymous().ExcludeFromDescription();
    }

    private static IResult SignInPage(HttpContext context, IAntiforgery antiforgery)
        => SignInForm.Render(antiforgery.GetAndStoreTokens(context), problem: null, StatusCodes.Status200OK);

    private static async Task<IResult> SignInAsync(
        HttpContext context,
        IAntiforgery antiforgery,
        IOptionsMonitor<JwtBearerOptions> bearer,
        TimeProvider time,
        [FromForm(Name = "token")] string? token)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        if (string.IsNullOrWhiteSpace(token))
        {
            return SignInForm.Render(tokens, "Paste an admin's bearer token.", StatusCodes.Status400BadRequest);
        }

        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(token.Trim(), bearer.Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters);
        if (!validation.IsValid || !new ClaimsPrincipal(validation.ClaimsIdentity).HasValidSubject())
        {
            return SignInForm.Render(tokens, "That token is not valid (signature, issuer, audience, lifetime or subject).", StatusCodes.Status401Unauthorized);
        }

        var user = new ClaimsPrincipal(validation.ClaimsIdentity);
        if (!user.Has(Permissions.ClusterRead))
        {
            return SignInForm.Render(tokens, "The dashboard is for admins only.", StatusCodes.Status403Forbidden);
        }

        // Only who signed in and their roles: the cookie carries nothing else of the token.
        var identity = new ClaimsIdentity(
            user.Claims.Where(c => c.Type is ClaimNames.Subject or ClaimNames.Role or ClaimNames.Name),
            Scheme, ClaimNames.Subject, ClaimNames.Role);
        await context.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties
        {
            IsPersistent = false,
            ExpiresUtc = time.GetUtcNow() + SessionLifetime,
        });
        return Results.Redirect($"{Path}/");
    }
}
