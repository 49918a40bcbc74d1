namespace WebFrontend.Hosting;

/// <summary>
/// The front end's connection to the silo cluster. Orleans' client connects as a hosted service that blocks the host's
/// start until a gateway answers; here it connects in the background instead, retrying for as long as it takes, so
/// front ends and silos start in any order and the API answers 503 (<see cref="ClusterGateMiddleware"/>) until then.
/// Once connected, Orleans' client follows the membership table by itself: silos may come and go.
/// </summary>
public sealed partial class ClusterConnection(IReadOnlyList<IHostedService> clientServices, ILogger<ClusterConnection> logger) : BackgroundService
{
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsConnected => _connected.Task.IsCompletedSuccessfully;

    /// <summary>Completes once connected.</summary>
    public Task WhenConnected => _connected.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The client's own retry filter (EndlessConnectionRetry) keeps each start retrying until a gateway answers.
        foreach (var service in clientServices)
        {
            await service.StartAsync(stoppingToken);
        }

        _connected.TrySetResult();
        LogConnected(logger);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (IsConnected)
        {
            foreach (var service in clientServices.Reverse())
            {
                await service.StopAsync(cancellationToken);
            }
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Connected to the silo cluster.")]
    private static partial void LogConnected(ILogger logger);
}
