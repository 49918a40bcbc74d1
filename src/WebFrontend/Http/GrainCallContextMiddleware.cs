using Grains.Diagnostics;
using WebFrontend.Auth;

namespace WebFrontend.Http;

/// <summary>
/// Puts the request's id and the signed-in user into Orleans' <c>RequestContext</c>, which travels with every grain call
/// this request makes, so the silos' logs carry them too (the trace id travels with Orleans' activity propagation).
/// </summary>
public sealed class GrainCallContextMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        RequestContext.Set(RequestContextKeys.RequestId, context.TraceIdentifier);
        if (context.User.Identity?.IsAuthenticated == true)
        {
            RequestContext.Set(RequestContextKeys.UserId, context.User.UserId());
        }

        return next(context);
    }
}
