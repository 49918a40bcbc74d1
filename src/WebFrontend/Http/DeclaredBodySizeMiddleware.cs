using Microsoft.Extensions.Options;

namespace WebFrontend.Http;

/// <summary>
/// A request whose Content-Length is over Frontend:MaxRequestBodyBytes is answered 413 before any endpoint, form reader
/// or antiforgery check reads a byte of it: whatever would read it later would refuse it anyway. A body without a
/// declared length is cut off as it is read, by RequestBody and by Kestrel's own limit (ServerLimits). An endpoint that
/// streams its body (an upload's content) sets and enforces its own limit instead.
/// </summary>
public sealed class DeclaredBodySizeMiddleware(RequestDelegate next, IOptions<FrontendOptions> options)
{
    public Task InvokeAsync(HttpContext context)
        => context.Request.ContentLength > options.Value.MaxRequestBodyBytes && context.GetEndpoint()?.Metadata.GetMetadata<StreamedRequestBody>() is null
            ? JsonBody.TooLarge(context).ExecuteAsync(context)
            : next(context);
}
