using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Runtime.Invocation;
using Runtime.Partitioning;

namespace Runtime.Cluster;

/// <summary>
/// Calls grains hosted by a silo cluster without hosting any: finds the silos through PostgreSQL's membership and
/// lease tables and sends calls to the owner of each grain's partition. What a front end uses.
/// </summary>
public sealed class ClusterClient : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private ClusterClient(ServiceProvider services)
    {
        _services = services;
        GrainFactory = services.GetRequiredService<IGrainFactory>();
        Status = services.GetRequiredService<IClusterStatus>();
    }

    public IGrainFactory GrainFactory { get; }

    /// <summary>The silos, their partitions and their activations, as the cluster tables say.</summary>
    public IClusterStatus Status { get; }

    /// <summary>Connects once a silo has initialized the cluster (waiting up to the routing timeout for one to).</summary>
    public static async Task<ClusterClient> ConnectAsync(
        string connectionString,
        Action<ClusterOptions>? configure = null,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        var options = new ClusterOptions();
        configure?.Invoke(options);
        // A client only reads the partition map: a few connections are plenty, unless the connection string says otherwise.
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.MaxPoolSize == 100)
        {
            builder.ConnectionStringBuilder.MaxPoolSize = 8;
        }

        var dataSource = builder.Build();
        try
        {
            var partitionCount = await WaitForPartitionCountAsync(dataSource, options.RoutingTimeout, cancellationToken).ConfigureAwait(false);
            var services = new ServiceCollection();
            services.AddSingleton(_ => dataSource); // registered by factory, so the container disposes it
            services.AddSingleton(new PartitionFunction(partitionCount));
            services.AddSingleton(loggerFactory ?? NullLoggerFactory.Instance);
            services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
            services.AddClusterRouting();
            if (configure is not null)
            {
                services.Configure(configure);
            }

            services.AddSingleton<IGrainFactory>(sp => new GrainFactory(sp.GetRequiredService<IGrainCallInvoker>(), sp.GetRequiredService<PartitionFunction>()));
            var provider = services.BuildServiceProvider();
            await provider.GetRequiredService<PartitionMap>().StartAsync(cancellationToken).ConfigureAwait(false);
            return new ClusterClient(provider);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    /// <summary>The cluster's partition count, fixed when its first silo started.</summary>
    private static async Task<int> WaitForPartitionCountAsync(NpgsqlDataSource dataSource, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)(timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (true)
        {
            try
            {
                await using var command = dataSource.CreateCommand("SELECT count(*) FROM silo_partitions");
                if ((long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! is > 0 and var count)
                {
                    return (int)count;
                }
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // No silo has migrated this database yet.
            }

            if (TimeProvider.System.GetTimestamp() >= deadline)
            {
                throw new GrainUnavailableException($"No silo has joined the cluster in this database within {timeout}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
    }
}
