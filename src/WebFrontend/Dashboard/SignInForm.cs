using System.Net;
using Microsoft.AspNetCore.Antiforgery;

namespace WebFrontend.Dashboard;

/// <summary>The dashboard's sign-in page: one field for an admin's bearer token, protected against cross-site posts.</summary>
internal static class SignInForm
{
    public static IResult Render(AntiforgeryTokenSet antiforgery, string? problem, int status)
    {
        var message = problem is null ? "" : $"<p role=\"alert\" class=\"problem\">{WebUtility.HtmlEncode(problem)}</p>";
        var html = $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>Sign in to the cluster dashboard</title>
              <style>
                body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; }
                textarea { width: 100%; min-height: 8rem; font-family: monospace; }
                .problem { color: #a40000; }
              </style>
            </head>
            <body>
              <h1>Cluster dashboard</h1>
              <p>Paste an admin's bearer token. You stay signed in for {{DashboardAccess.SessionLifetime.TotalMinutes:0}} minutes, in this browser only.</p>
              {{message}}
              <form method="post" action="{{DashboardAccess.SignInPath}}">
                <input type="hidden" name="{{WebUtility.HtmlEncode(antiforgery.FormFieldName)}}" value="{{WebUtility.HtmlEncode(antiforgery.RequestToken)}}">
                <label for="token">Bearer token</label>
                <textarea id="token" name="token" required autocomplete="off" spellcheck="false"></textarea>
                <button type="submit">Sign in</button>
              </form>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
