using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using WebFrontend.Http;

namespace WebFrontend.Auth;

public static class AuthenticationSetup
{
    /// <summary>JWT bearer authentication (HMAC key, issuer, audience, lifetime) whose 401 and 403 are problem details.</summary>
    public static IServiceCollection AddBearerAuthentication(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>());
        services.AddSingleton<TokenIssuer>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IOptions<AuthOptions>>((bearer, auth) =>
        {
            var settings = auth.Value;
            bearer.MapInboundClaims = false;
            bearer.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = settings.Issuer,
                ValidAudience = settings.Audience,
                IssuerSigningKey = TokenIssuer.SigningKey(settings),
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                ClockSkew = settings.ClockSkew,
                NameClaimType = ClaimNames.Subject,
                RoleClaimType = ClaimNames.Role,
            };
            bearer.Events = new JwtBearerEvents
            {
                OnTokenValidated = context =>
                {
                    if (!context.Principal!.HasValidSubject())
                    {
                        context.Fail("The token's subject is missing or not a user id.");
                    }

                    return Task.CompletedTask;
                },
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    var invalid = context.AuthenticateFailure is not null;
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    context.Response.Headers.WWWAuthenticate = invalid ? "Bearer error=\"invalid_token\"" : "Bearer";
                    await WriteProblemAsync(context.HttpContext, StatusCodes.Status401Unauthorized, ProblemTypes.Unauthorized, "Authentication required.",
                        invalid ? "The bearer token is not valid (signature, issuer, audience, lifetime or subject)." : "Send a bearer token.");
                },
                OnForbidden = context => WriteProblemAsync(context.HttpContext, StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "Forbidden.", "Your role does not permit this."),
            };
        });
        services.AddAuthorization();
        return services;
    }

    private static async Task WriteProblemAsync(HttpContext context, int status, string type, string title, string detail)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail };
        Problem.Complete(problem, context);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}
