using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Runtime.Activation;
using Runtime.Cluster.Transport;
using Runtime.Invocation;
using Runtime.Metadata;
using Runtime.Partitioning;

namespace Runtime.Cluster;

internal static class ClusterServiceCollectionExtensions
{
    /// <summary>What silos and clients share: the tables, the partition map, the transport and the router.</summary>
    public static IServiceCollection AddClusterRouting(this IServiceCollection services)
    {
        services.AddOptions<ClusterOptions>()
            .Validate(o => o.LeaseDuration > o.FencingMargin + o.LeaseRenewInterval, "Cluster:LeaseDuration must exceed Cluster:FencingMargin plus Cluster:LeaseRenewInterval, or leases lapse between renewals.")
            .Validate(o => o.FencingMargin > TimeSpan.Zero && o.LeaseRenewInterval > TimeSpan.Zero && o.HeartbeatInterval > TimeSpan.Zero, "Cluster intervals must be positive.")
            .Validate(o => o.SiloDeadAfter > o.HeartbeatInterval * 2, "Cluster:SiloDeadAfter must cover at least two heartbeats.")
            .Validate(o => o.CallTimeout > TimeSpan.Zero && o.RoutingTimeout > TimeSpan.Zero && o.MapRefreshInterval > TimeSpan.Zero, "Cluster timeouts must be positive.")
            .Validate(o => o.Port is >= 0 and <= 65_535, "Cluster:Port must be a TCP port (0 picks a free one).")
            .ValidateOnStart();
        services.TryAddKeyedSingleton(ClusterClock.Key, TimeProvider.System);
        services.TryAddSingleton<ClusterTable>();
        services.TryAddSingleton<PartitionMap>();
        services.TryAddSingleton<IGrainTransport, Http2GrainTransport>();
        services.TryAddSingleton<ClusterGrainCallInvoker>();
        services.Replace(ServiceDescriptor.Singleton<IGrainCallInvoker>(sp => sp.GetRequiredService<ClusterGrainCallInvoker>()));
        services.Replace(ServiceDescriptor.Singleton<IClusterStatus, ClusterStatusReader>());
        return services;
    }

    /// <summary>Makes a silo a cluster member: membership, partition leases, the transport server, and local routing.</summary>
    public static IServiceCollection AddClusterMembership(this IServiceCollection services)
    {
        services.AddClusterRouting();
        services.TryAddSingleton<SiloIdentity>();
        services.TryAddSingleton<PartitionLeaseManager>();
        services.Replace(ServiceDescriptor.Singleton<IPartitionOwnership>(sp => sp.GetRequiredService<PartitionLeaseManager>()));
        services.TryAddSingleton<GrainMethodRegistry>();
        services.TryAddSingleton<GrainCallServer>();
        services.TryAddSingleton<ClusterChangeListener>();
        services.TryAddSingleton<ClusterMember>();
        services.TryAddSingleton(sp => new LocalSilo(
            sp.GetRequiredService<SiloIdentity>().Id,
            sp.GetRequiredService<Catalog>(),
            sp.GetRequiredService<IPartitionOwnership>()));
        return services;
    }
}
