using Runtime;
using Runtime.Cluster;

namespace WebFrontend.Hosting;

/// <summary>
/// The front end's connection to a silo cluster. It connects in the background and keeps trying until a silo has set
/// the cluster up, so front ends and silos can start in any order; until then grain calls fail as unavailable (503)
/// and readiness reports not ready.
/// </summary>
public sealed partial class ClusterConnection(string connectionString, ILoggerFactory loggerFactory) : BackgroundService, IGrainFactory, IClusterStatus
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _logger = loggerFactory.CreateLogger<ClusterConnection>();
    private volatile ClusterClient? _client;

    public bool IsConnected => _client is not null;

    /// <summary>Completes once connected.</summary>
    public Task WhenConnected => _connected.Task;

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey
        => Client.GrainFactory.GetGrain<TGrainInterface>(key);

    public Task<IReadOnlyList<SiloReport>> GetSilosAsync(CancellationToken cancellationToken) => Client.Status.GetSilosAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                _client = await ClusterClient.ConnectAsync(connectionString, loggerFactory: loggerFactory, cancellationToken: stoppingToken);
                _connected.TrySetResult();
                LogConnected(_logger);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // No silo yet, or the database is not reachable yet: keep trying; the front end answers 503 meanwhile.
                LogNotYetConnected(_logger, exception);
                await Task.Delay(RetryDelay, stoppingToken);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_client is { } client)
        {
            _client = null;
            await client.DisposeAsync();
        }
    }

    private ClusterClient Client => _client ?? throw new GrainUnavailableException("The front end is not connected to the silo cluster yet.");

    [LoggerMessage(1, LogLevel.Information, "Connected to the silo cluster.")]
    private static partial void LogConnected(ILogger logger);

    [LoggerMessage(2, LogLevel.Warning, "Not connected to the silo cluster yet; retrying.")]
    private static partial void LogNotYetConnected(ILogger logger, Exception exception);
}
