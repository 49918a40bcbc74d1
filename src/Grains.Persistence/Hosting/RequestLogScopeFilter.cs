using System.Diagnostics;
using Grains.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Grains.Persistence.Hosting;

/// <summary>
/// Opens a logging scope around every grain call carrying the HTTP request's id, the user and the trace id the front
/// end sent, and the grain's id, so one failed order can be followed from the front end's logs into the silo's.
/// </summary>
internal sealed class RequestLogScopeFilter(ILogger<RequestLogScopeFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var requestId = RequestContext.Get(RequestContextKeys.RequestId) as string;
        if (requestId is null && Activity.Current is null)
        {
            await context.Invoke();
            return;
        }

        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            [RequestContextKeys.RequestId] = requestId,
            [RequestContextKeys.UserId] = RequestContext.Get(RequestContextKeys.UserId) as string,
            ["trace_id"] = Activity.Current?.TraceId.ToString(),
            ["grain_id"] = context.TargetId.ToString(),
        });
        await context.Invoke();
    }
}
