using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Runtime.Activation;
using Runtime.Cluster.Transport;
using Runtime.Invocation;
using Runtime.Metadata;
using Runtime.Partitioning;

namespace Runtime.Cluster;

/// <summary>
/// Routes grain calls in a cluster: to the local catalog when this silo serves the grain's partition, otherwise over
/// the transport to the owner named by the partition map. A call that was definitely not run (no owner yet, a
/// "moved" answer, an unreachable or stopping silo) is retried with backoff after a map refresh until
/// <see cref="ClusterOptions.RoutingTimeout"/>; then it fails with <see cref="GrainUnavailableException"/>.
/// A call that may have run is never retried here.
/// </summary>
internal sealed partial class ClusterGrainCallInvoker(
    PartitionMap map,
    IGrainTransport transport,
    IOptions<ClusterOptions> options,
    [FromKeyedServices(ClusterClock.Key)] TimeProvider clock,
    ILogger<ClusterGrainCallInvoker> logger,
    LocalSilo? localSilo = null) : IGrainCallInvoker, IGrainCallRouter
{
    private static readonly TimeSpan s_firstBackoff = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromMilliseconds(500);

    public Task Invoke(GrainId grainId, int partition, GrainMethod method, object?[] arguments) => method.Route(this, grainId, partition, arguments);

    Task IGrainCallRouter.Route<TResult>(GrainMethod method, GrainId grainId, int partition, object?[] arguments)
    {
        var context = RequestContext.Current;
        if (localSilo is { } local && local.Ownership.IsServing(partition))
        {
            // The common case in a silo: no wrapper unless the local call fails in a way that calls for rerouting.
            var call = method.CreateCall(arguments, context, clock.GetTimestamp());
            var turn = local.Catalog.Dispatch(grainId, partition, call);
            return turn.IsCompletedSuccessfully ? turn : CompleteLocallyOrRouteAsync<TResult>(turn, call, method, grainId, partition, arguments, context);
        }

        return RouteAsync<TResult>(method, grainId, partition, arguments, context);
    }

    private async Task<TResult> CompleteLocallyOrRouteAsync<TResult>(
        Task turn, GrainCall call, GrainMethod method, GrainId grainId, int partition, object?[] arguments, RequestContext? context)
    {
        try
        {
            await turn.ConfigureAwait(false);
            return ResultOf<TResult>(turn);
        }
        catch (Exception exception) when (WasNotRun(exception, call))
        {
            return await RouteAsync<TResult>(method, grainId, partition, arguments, context).ConfigureAwait(false);
        }
    }

    private async Task<TResult> RouteAsync<TResult>(GrainMethod method, GrainId grainId, int partition, object?[] arguments, RequestContext? context)
    {
        var cancellation = arguments.OfType<CancellationToken>().FirstOrDefault();
        var started = clock.GetTimestamp();
        var backoff = s_firstBackoff;
        string reason;
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            var owner = map.OwnerOf(partition);
            if (owner is null)
            {
                reason = "no silo serves its partition";
            }
            else if (localSilo is { } local && owner.SiloId == local.SiloId)
            {
                var call = method.CreateCall(arguments, context, clock.GetTimestamp());
                var turn = local.Catalog.Dispatch(grainId, partition, call);
                try
                {
                    await turn.ConfigureAwait(false);
                    return ResultOf<TResult>(turn);
                }
                catch (Exception exception) when (WasNotRun(exception, call))
                {
                    reason = "this silo no longer serves its partition";
                }
            }
            else
            {
                switch (await transport.SendAsync(owner, grainId, method, arguments, context, cancellation).ConfigureAwait(false))
                {
                    case TransportOutcome.Completed completed:
                        return GrainCallCodec.DecodeResult<TResult>(method, completed.EncodedResult);
                    case TransportOutcome.Failed failed:
                        throw failed.Exception;
                    case TransportOutcome.NotDelivered notDelivered:
                        reason = notDelivered.Reason;
                        break;
                    default:
                        reason = $"{owner} no longer serves its partition";
                        break;
                }
            }

            if (clock.GetElapsedTime(started) >= options.Value.RoutingTimeout)
            {
                throw new GrainUnavailableException(
                    $"Grain {grainId} (partition {partition}) could not be reached within {options.Value.RoutingTimeout}: {reason}.");
            }

            LogRetrying(logger, grainId, partition, reason);
            await Task.Delay(Jittered(backoff), clock, cancellation).ConfigureAwait(false);
            backoff = backoff * 2 < s_maxBackoff ? backoff * 2 : s_maxBackoff;
            await map.RefreshAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Definitely not run here: the partition is not served, or the silo refused the call before starting it.</summary>
    private static bool WasNotRun(Exception exception, GrainCall call)
        => exception is PartitionMovedException || (exception is GrainUnavailableException && !call.HasStarted);

    private static TResult ResultOf<TResult>(Task completed) => completed is Task<TResult> typed ? typed.GetAwaiter().GetResult() : default!;

    private static TimeSpan Jittered(TimeSpan delay) => delay * (0.5 + Random.Shared.NextDouble());

    [LoggerMessage(71, LogLevel.Debug, "Retrying a call to grain {GrainId} (partition {Partition}): {Reason}.")]
    private static partial void LogRetrying(ILogger logger, GrainId grainId, int partition, string reason);
}

/// <summary>The silo a cluster invoker runs in, if any: calls to partitions it serves stay in process.</summary>
internal sealed record LocalSilo(string SiloId, Catalog Catalog, IPartitionOwnership Ownership);
