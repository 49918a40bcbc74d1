namespace WebFrontend.Hosting;

/// <summary>
/// The front end's connection to the silo cluster. Orleans' client connects as a hosted service that blocks the host's
/// start until a gateway answers; here it connects in the background instead, retrying for as long as it takes, so
/// front ends and silos start in any order and the API answers 503 (<see cref="ClusterGateMiddleware"/>) until then.
/// Once connected, Orleans' client follows the membership table by itself: silos may come and go, and this connection
/// hears from it how many gateways it is connected to.
/// </summary>
/// <param name="clientServices">Orleans' client services to start; resolved only when starting, since the client itself
/// resolves this connection as its status observer.</param>
public sealed partial class ClusterConnection(Func<IReadOnlyList<IHostedService>> clientServices, ILogger<ClusterConnection> logger)
    : BackgroundService, IClusterConnectionStatusObserver
{
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IReadOnlyList<IHostedService> _started = [];
    private readonly Lock _lock = new();
    private readonly List<(Predicate<int> Condition, TaskCompletionSource Done)> _gatewayWaiters = [];
    private int _gateways;

    public bool IsConnected => _connected.Task.IsCompletedSuccessfully;

    /// <summary>Completes once connected.</summary>
    public Task WhenConnected => _connected.Task;

    /// <summary>Gateways the client holds a connection to now: none means every call fails until one is back.</summary>
    public int ConnectedGateways => Volatile.Read(ref _gateways);

    /// <summary>Completes once the number of connected gateways satisfies <paramref name="condition"/>.</summary>
    public Task WhenConnectedGateways(Predicate<int> condition)
    {
        lock (_lock)
        {
            if (condition(_gateways))
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _gatewayWaiters.Add((condition, done));
            return done.Task;
        }
    }

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        SetGateways(currentNumberOfGateways);
        if (connectionRecovered)
        {
            LogRecovered(logger, currentNumberOfGateways);
        }
    }

    public void NotifyClusterConnectionLost()
    {
        SetGateways(0);
        LogLost(logger);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The client's own retry filter (EndlessConnectionRetry) keeps each start retrying until a gateway answers.
        _started = clientServices();
        foreach (var service in _started)
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
            foreach (var service in _started.Reverse())
            {
                await service.StopAsync(cancellationToken);
            }
        }
    }

    private void SetGateways(int count)
    {
        List<TaskCompletionSource> satisfied;
        lock (_lock)
        {
            _gateways = count;
            satisfied = [.. _gatewayWaiters.Where(w => w.Condition(count)).Select(w => w.Done)];
            _gatewayWaiters.RemoveAll(w => satisfied.Contains(w.Done));
        }

        satisfied.ForEach(done => done.TrySetResult());
    }

    [LoggerMessage(1, LogLevel.Information, "Connected to the silo cluster.")]
    private static partial void LogConnected(ILogger logger);

    [LoggerMessage(3, LogLevel.Warning, "Lost every gateway of the silo cluster; calls fail (503) until one is back.")]
    private static partial void LogLost(ILogger logger);

    [LoggerMessage(4, LogLevel.Information, "Connected to the silo cluster again ({Gateways} gateways).")]
    private static partial void LogRecovered(ILogger logger, int gateways);
}
