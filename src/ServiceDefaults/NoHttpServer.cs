using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;

namespace ServiceDefaults;

/// <summary>
/// The server of a process with no HTTP port configured (<see cref="OperationalHttp"/>): accepts nothing. Kestrel with no
/// address would bind localhost:5000 (or an inherited ASPNETCORE_URLS) in every such process of the machine; this keeps
/// one host shape whether HTTP is on or off.
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
