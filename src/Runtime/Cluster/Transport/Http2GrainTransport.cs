using System.Net;
using Microsoft.Extensions.Options;
using Runtime.Metadata;

namespace Runtime.Cluster.Transport;

/// <summary>
/// Grain calls as HTTP/2 cleartext requests to the target silo's transport port: one multiplexed connection per
/// silo (more when its stream limit is reached), a request per call, the call timeout as the request's deadline,
/// and the caller's cancellation as the stream's reset.
/// </summary>
internal sealed class Http2GrainTransport : IGrainTransport, IDisposable
{
    public const string Path = "/grain-call";
    public const string TargetHeader = "x-target-silo";

    private readonly HttpClient _client;
    private readonly TimeSpan _callTimeout;

    public Http2GrainTransport(IOptions<ClusterOptions> options)
    {
        _callTimeout = options.Value.CallTimeout;
        _client = new HttpClient(new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(2),
            KeepAlivePingDelay = TimeSpan.FromSeconds(5),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public async Task<TransportOutcome> SendAsync(
        SiloAddress target, GrainId grainId, GrainMethod method, object?[] arguments, RequestContext? context, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_callTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://{target.Endpoint}{Path}")
        {
            // HTTP/2 with prior knowledge: cleartext, no upgrade dance. (A message's version is its own, not the client's default.)
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(GrainCallCodec.EncodeRequest(grainId, method, arguments, context)),
        };
        request.Headers.Add(TargetHeader, target.SiloId);

        HttpResponseMessage response;
        byte[] body;
        try
        {
            response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token).ConfigureAwait(false);
            body = await response.Content.ReadAsByteArrayAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException exception) when (exception.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            return new TransportOutcome.NotDelivered($"{target} is unreachable: {exception.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadline.IsCancellationRequested)
        {
            return new TransportOutcome.Failed(new TimeoutException($"{method.DisplayName} on grain {grainId} (at {target}) did not complete within {_callTimeout}."));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Neither the caller nor the call's deadline: the handler gave up connecting, so nothing was sent.
            return new TransportOutcome.NotDelivered($"{target} did not accept a connection in time.");
        }
        catch (HttpRequestException exception)
        {
            return new TransportOutcome.Failed(new GrainCallInterruptedException(
                $"{target} became unreachable during {method.DisplayName} on grain {grainId}; the call may or may not have completed.", exception));
        }

        using (response)
        {
            return response.StatusCode switch
            {
                HttpStatusCode.OK => new TransportOutcome.Completed(body),
                HttpStatusCode.MisdirectedRequest => new TransportOutcome.Moved(),
                HttpStatusCode.ServiceUnavailable => new TransportOutcome.NotDelivered($"{target} is not taking calls."),
                HttpStatusCode.InternalServerError => new TransportOutcome.Failed(RemoteException.Decode(body)),
                var status => new TransportOutcome.Failed(new InvalidOperationException(
                    $"{target} answered {(int)status} to {method.DisplayName}: {System.Text.Encoding.UTF8.GetString(body)}")),
            };
        }
    }

    public void Dispose() => _client.Dispose();
}
