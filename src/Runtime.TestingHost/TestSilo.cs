using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Runtime.Activation;
using Runtime.Cluster;
using Runtime.Hosting;
using Runtime.Partitioning;

namespace Runtime.TestingHost;

/// <summary>One silo of a <see cref="TestCluster"/>, with its own host and services.</summary>
public sealed class TestSilo
{
    internal TestSilo(string name, IHost host)
    {
        Name = name;
        Host = host;
    }

    public string Name { get; }

    public IHost Host { get; }

    public IServiceProvider Services => Host.Services;

    public IGrainFactory GrainFactory => Services.GetRequiredService<IGrainFactory>();

    public bool IsRunning { get; internal set; }

    /// <summary>The cluster member id; null for a standalone silo.</summary>
    public string? SiloId => Services.GetService<SiloIdentity>()?.Id;

    /// <summary>Where the silo's transport listens; null for a standalone silo.</summary>
    public SiloAddress? Address => Services.GetService<ClusterMember>()?.Address;

    /// <summary>Activations currently in this silo's catalog.</summary>
    public int ActivationCount => Catalog.Count;

    internal Silo Silo => Services.GetRequiredService<Silo>();

    private Catalog Catalog => Services.GetRequiredService<Catalog>();

    private IPartitionOwnership Ownership => Services.GetRequiredService<IPartitionOwnership>();

    /// <summary>The grains activated in this silo right now.</summary>
    public IReadOnlyList<GrainId> ActivatedGrains() => [.. Catalog.Activations.Select(a => a.GrainId)];

    public int PartitionOf(GrainId grainId) => Services.GetRequiredService<PartitionFunction>().GetPartition(grainId);

    public bool IsServing(int partition) => IsRunning && Ownership.IsServing(partition);

    public IReadOnlyCollection<int> ServedPartitions() => Ownership.ServedPartitions ?? [.. Enumerable.Range(0, Services.GetRequiredService<PartitionFunction>().PartitionCount)];

    /// <summary>Completes once this silo serves the partition (at once if it already does).</summary>
    public Task WhenServingAsync(int partition)
    {
        var leases = Services.GetRequiredService<PartitionLeaseManager>();
        var serving = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnAcquired(IReadOnlyCollection<int> acquired)
        {
            if (acquired.Contains(partition))
            {
                serving.TrySetResult();
            }
        }

        leases.PartitionsAcquired += OnAcquired;
        if (leases.IsServing(partition))
        {
            serving.TrySetResult();
        }

        return serving.Task.ContinueWith(_ => leases.PartitionsAcquired -= OnAcquired, TaskScheduler.Default);
    }

    /// <summary>Counts reminder ticks this silo delivered and advanced to their next due time.</summary>
    public MetricRecorder RecordAdvancedReminderTicks() => new(Services, "runtime.reminder.ticks", "outcome=advanced");

    /// <summary>
    /// Counts reminder ticks this silo delivered, whether the reminder then moved to its next tick or the grain
    /// changed or removed it during the tick.
    /// </summary>
    public MetricRecorder RecordDeliveredReminderTicks() => new(Services, "runtime.reminder.ticks", ["outcome=advanced", "outcome=superseded"]);

    /// <summary>Counts reminder ticks this silo could not deliver and will retry.</summary>
    public MetricRecorder RecordRetriedReminderTicks() => new(Services, "runtime.reminder.ticks", "outcome=retried");

    public override string ToString() => SiloId ?? Name;
}
