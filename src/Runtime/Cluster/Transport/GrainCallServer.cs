using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Runtime.Activation;
using Runtime.Metadata;
using Runtime.Partitioning;

namespace Runtime.Cluster.Transport;

/// <summary>
/// The silo's side of the transport: Kestrel on the silo port, HTTP/2 only, one endpoint. It decodes a call, hands it
/// to the catalog (which refuses partitions this silo does not serve) and answers 200 with the result, 421 when the
/// partition is not served here, 503 when the silo is not taking calls, 500 with the grain's exception.
/// </summary>
internal sealed class GrainCallServer(
    Catalog catalog,
    GrainMethodRegistry methods,
    PartitionFunction partitions,
    IOptions<ClusterOptions> options,
    ILoggerFactory loggerFactory,
    TimeProvider timeProvider) : IAsyncDisposable
{
    private WebApplication? _app;
    private string? _siloId;

    /// <summary>Starts listening; returns the endpoint to advertise ("host:port", with the port actually bound).</summary>
    public async Task<string> StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1_000;
            kestrel.Listen(IPAddress.Parse(settings.ListenAddress), settings.Port, listen => listen.Protocols = HttpProtocols.Http2);
        });
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return $"{settings.AdvertisedHost ?? settings.ListenAddress}:{bound.Port}";
    }

    /// <summary>From now on, calls addressed to another silo id (an endpoint reused after a restart) are refused as moved.</summary>
    public void ServeAs(string siloId) => _siloId = siloId;

    public Task StopAsync(CancellationToken cancellationToken) => _app?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>Drops every connection at once, as a killed process would.</summary>
    public async Task AbortAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(new CancellationToken(canceled: true)).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(HttpContext http)
    {
        if (http.Request.Path != Http2GrainTransport.Path || !HttpMethods.IsPost(http.Request.Method))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (_siloId is null || http.Request.Headers[Http2GrainTransport.TargetHeader] != _siloId)
        {
            http.Response.StatusCode = _siloId is null ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status421MisdirectedRequest;
            return;
        }

        using var buffer = new MemoryStream((int)(http.Request.ContentLength ?? 256));
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted).ConfigureAwait(false);

        GrainCallCodec.DecodedRequest request;
        try
        {
            request = GrainCallCodec.DecodeRequest(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), methods.Find, http.RequestAborted);
        }
        catch (Exception malformed) when (malformed is InvalidOperationException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            await RespondAsync(http, StatusCodes.Status400BadRequest, System.Text.Encoding.UTF8.GetBytes(malformed.Message)).ConfigureAwait(false);
            return;
        }

        // An idle grain runs the call inline on this thread, so the request context must be this call's.
        RequestContext.Current = request.Context;
        var call = request.Method.CreateCall(request.Arguments, request.Context, timeProvider.GetTimestamp());
        var turn = catalog.Dispatch(request.GrainId, partitions.GetPartition(request.GrainId), call);
        try
        {
            await turn.ConfigureAwait(false);
        }
        catch
        {
            // Examined below; every outcome becomes a status code.
        }

        if (turn.IsCompletedSuccessfully)
        {
            await RespondAsync(http, StatusCodes.Status200OK, request.Method.SerializeResult(turn)).ConfigureAwait(false);
            return;
        }

        var exception = turn.Exception?.InnerException ?? new OperationCanceledException($"{request.Method.DisplayName} was canceled.");
        switch (exception)
        {
            case PartitionMovedException:
                http.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
                break;
            case GrainUnavailableException when !call.HasStarted:
                http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                break;
            default:
                await RespondAsync(http, StatusCodes.Status500InternalServerError, RemoteException.Encode(exception)).ConfigureAwait(false);
                break;
        }
    }

    private static Task RespondAsync(HttpContext http, int status, byte[] body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = body.Length;
        return http.Response.Body.WriteAsync(body, http.RequestAborted).AsTask();
    }
}
