using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;

namespace Silo;

/// <summary>
/// The server of a silo with no Silo:HttpPort: accepts nothing. Kestrel with no address would bind localhost:5000 (or an
/// inherited ASPNETCORE_URLS) on every silo of the machine; this keeps one host shape whether HTTP is on or off.
/// </summary>
internal sealed class NoHttpServer : IServer
{
    public IFeatureCollection Features { get; } = new FeatureCollection();

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
    }
}
