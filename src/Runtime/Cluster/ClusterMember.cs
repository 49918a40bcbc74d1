using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Runtime.Activation;
using Runtime.Cluster.Transport;
using Runtime.Diagnostics;
using Runtime.Hosting;
using Runtime.Partitioning;
using Runtime.Reminders;

namespace Runtime.Cluster;

/// <summary>
/// A silo's life as a cluster member: join (transport up, registered as Joining), become Active (claim its share of
/// partitions), heartbeat, and leave gracefully (ShuttingDown, stop serving, flush, release, Dead) or be killed.
/// </summary>
internal sealed partial class ClusterMember(
    ClusterTable table,
    SiloIdentity identity,
    PartitionLeaseManager leases,
    PartitionFunction partitions,
    GrainCallServer server,
    PartitionMap map,
    ClusterChangeListener listener,
    Catalog catalog,
    ReminderService reminders,
    RuntimeMetrics metrics,
    IOptions<SiloOptions> siloOptions,
    IOptions<ClusterOptions> options,
    [FromKeyedServices(ClusterClock.Key)] TimeProvider clock,
    ILogger<ClusterMember> logger)
{
    private readonly CancellationTokenSource _heartbeatStopping = new();
    private Task _heartbeat = Task.CompletedTask;
    private volatile SiloStatus _status = SiloStatus.Joining;

    public SiloAddress? Address { get; private set; }

    public SiloStatus Status => _status;

    public async Task JoinAsync(CancellationToken cancellationToken)
    {
        await table.EnsurePartitionsAsync(partitions.PartitionCount, cancellationToken).ConfigureAwait(false);
        var endpoint = await server.StartAsync(cancellationToken).ConfigureAwait(false);
        Address = new SiloAddress(identity.Id, endpoint);
        await table.RegisterAsync(Address, siloOptions.Value.Name, cancellationToken).ConfigureAwait(false);
        server.ServeAs(identity.Id);
        leases.PartitionsLost = async lost =>
        {
            reminders.OnPartitionsLost(lost);
            await catalog.DeactivatePartitionsAsync(lost).ConfigureAwait(false);
        };
        leases.PartitionsAcquired += _ => reminders.RequestPoll();
        _heartbeat = HeartbeatAsync(_heartbeatStopping.Token);
        LogJoined(logger, Address.ToString());
    }

    /// <summary>Declares the silo up and claims its share before returning, so it serves as soon as it says so.</summary>
    public async Task BecomeActiveAsync(CancellationToken cancellationToken)
    {
        _status = SiloStatus.Active;
        await table.SetStatusAsync(identity.Id, SiloStatus.Active, cancellationToken).ConfigureAwait(false);
        await leases.StartAsync(identity.Id, cancellationToken).ConfigureAwait(false);
        listener.Start(() =>
        {
            leases.Wake();
            _ = map.RefreshAsync();
        });
        await map.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Graceful exit, first half: others stop routing here; this silo stops serving but keeps renewing its leases while grains flush.</summary>
    public async Task BeginLeavingAsync(CancellationToken cancellationToken)
    {
        _status = SiloStatus.ShuttingDown;
        await table.SetStatusAsync(identity.Id, SiloStatus.ShuttingDown, cancellationToken).ConfigureAwait(false);
        leases.StopServing();
    }

    /// <summary>Graceful exit, second half, after every grain has flushed: release everything at once and say goodbye.</summary>
    public async Task CompleteLeavingAsync(CancellationToken cancellationToken)
    {
        await leases.ReleaseAllAsync(cancellationToken).ConfigureAwait(false);
        await server.StopAsync(cancellationToken).ConfigureAwait(false);
        await StopBackgroundWorkAsync().ConfigureAwait(false);
        _status = SiloStatus.Dead;
        await table.SetStatusAsync(identity.Id, SiloStatus.Dead, cancellationToken).ConfigureAwait(false);
        LogLeft(logger, Address?.ToString());
    }

    /// <summary>Stops every cluster activity at once, releasing nothing: the in-process stand-in for kill -9.</summary>
    public async Task KillAsync()
    {
        leases.Kill();
        await server.AbortAsync().ConfigureAwait(false);
        await StopBackgroundWorkAsync().ConfigureAwait(false);
    }

    /// <summary>Stops renewing leases while still answering calls (tests of a stalled process).</summary>
    public void Pause() => leases.Pause();

    private async Task StopBackgroundWorkAsync()
    {
        await _heartbeatStopping.CancelAsync().ConfigureAwait(false);
        await _heartbeat.ConfigureAwait(false);
        await listener.DisposeAsync().ConfigureAwait(false);
        await map.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HeartbeatAsync(CancellationToken stopping)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.HeartbeatInterval, clock);
        try
        {
            do
            {
                try
                {
                    if (_status == SiloStatus.Active && !leases.IsHealthy)
                    {
                        // Stalled or cut off from its leases: fall silent so the cluster declares this silo dead and takes over.
                        LogHeartbeatWithheld(logger);
                        continue;
                    }

                    var stats = JsonSerializer.Serialize(new SiloStats(metrics.ActivationCounts()), ClusterJson.Options);
                    await table.HeartbeatAsync(Address!, siloOptions.Value.Name, _status, stats, stopping).ConfigureAwait(false);
                    if (await table.ExpireSilosAsync(settings.SiloDeadAfter, settings.DeadSiloRetention, stopping).ConfigureAwait(false) > 0)
                    {
                        leases.Wake();
                    }
                }
                catch (Exception exception) when (!stopping.IsCancellationRequested)
                {
                    LogHeartbeatFailed(logger, exception);
                }
            }
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(80, LogLevel.Information, "Joined the cluster as {Silo}.")]
    private static partial void LogJoined(ILogger logger, string silo);

    [LoggerMessage(81, LogLevel.Information, "Left the cluster: {Silo}.")]
    private static partial void LogLeft(ILogger logger, string? silo);

    [LoggerMessage(83, LogLevel.Warning, "Withholding the heartbeat: partition leases have not been renewed in time.")]
    private static partial void LogHeartbeatWithheld(ILogger logger);

    [LoggerMessage(82, LogLevel.Warning, "Heartbeat failed; retrying (leases keep this silo safe meanwhile).")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception exception);
}
