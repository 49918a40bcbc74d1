using Runtime;
using Runtime.Cluster;

namespace WebFrontend.Hosting;

/// <summary>
/// The front end's connection to a silo cluster: connects at start (waiting for a silo to have set the cluster up),
/// then hands out grain references and the cluster's status. Until connected, grain calls fail as unavailable (503).
/// </summary>
public sealed class ClusterConnection(string connectionString, ILoggerFactory loggerFactory) : IHostedService, IGrainFactory, IClusterStatus, IAsyncDisposable
{
    private ClusterClient? _client;

    public bool IsConnected => _client is not null;

    public async Task StartAsync(CancellationToken cancellationToken)
        => _client = await ClusterClient.ConnectAsync(connectionString, loggerFactory: loggerFactory, cancellationToken: cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey
        => Client.GrainFactory.GetGrain<TGrainInterface>(key);

    public Task<IReadOnlyList<SiloReport>> GetSilosAsync(CancellationToken cancellationToken) => Client.Status.GetSilosAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_client is { } client)
        {
            _client = null;
            await client.DisposeAsync();
        }
    }

    private ClusterClient Client => _client ?? throw new GrainUnavailableException("The front end is not connected to the silo cluster yet.");
}
