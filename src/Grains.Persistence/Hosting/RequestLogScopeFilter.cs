using System.Diagnostics;
using Grains.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Grains.Persistence.Hosting;

/// <summary>
/// Opens a logging scope around every grain call carrying the HTTP request's id and the user the front end sent, and
/// the grain's id, so one failed order can be followed from the front end's logs into the silo's. The trace and span
/// ids are not in it: the logging factory adds them to every line written inside an activity (ActivityTrackingOptions),
/// here the grain call's server span that Orleans' activity propagation opens with the caller's trace id.
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
            ["grain_id"] = context.TargetId.ToString(),
        });
        await context.Invoke();
    }
}
