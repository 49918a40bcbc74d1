using Grains.Persistence.Hosting;
using Grains.Persistence.Queries;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;
using ServiceDefaults;

namespace WebFrontend.Hosting;

/// <summary>How the front end reaches the grains and the lists: its two modes.</summary>
public static class GrainAccess
{
    /// <summary>The name of the front end's own data source (for lists), as its traces show it.</summary>
    public const string DataSourceName = "web-frontend";

    /// <summary>
    /// With <c>ConnectionStrings:Postgres</c>: an Orleans client of the silo cluster on that database, finding gateways
    /// in its membership table and reading lists from its tables. Without: one silo in this process on in-memory
    /// storage, seeded with demo data — nothing to set up, nothing durable.
    /// </summary>
    public static void AddGrainAccess(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = builder.Configuration.GetConnectionString("Postgres");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            AddEmbeddedSilo(builder);
        }
        else
        {
            AddClusterClient(builder, connectionString);
        }
    }

    /// <summary>Whether this front end is a client of a cluster (and so must wait for it) rather than hosting its silo.</summary>
    public static bool IsClusterClient(this IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration.GetConnectionString("Postgres"));

    private static void AddEmbeddedSilo(WebApplicationBuilder builder)
    {
        builder.UseOrleans(silo =>
        {
            silo.Configure<ReminderOptions>(builder.Configuration.GetSection("Reminders"));
            // Orleans' default ports unless set (as for src/Silo), so that a second embedded front end, a test's or a
            // load test's, can run beside ./run.sh.
            var endpoints = builder.Configuration.GetSection("Endpoints");
            silo.UseLocalhostClustering(
                endpoints.GetValue("SiloPort", EndpointOptions.DEFAULT_SILO_PORT),
                endpoints.GetValue("GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT));
            silo.UseInMemoryStorage();
            silo.AddCommerce();
            silo.AddDashboard();
        });
        var services = builder.Services;
        services.AddSingleton<IProductQueries>(provider => provider.GetRequiredService<InMemoryQueries>());
        services.AddSingleton<IOrderQueries>(provider => provider.GetRequiredService<InMemoryQueries>());
        services.AddSingleton<IWalletEntryQueries>(provider => provider.GetRequiredService<InMemoryQueries>());
        services.AddSingleton<IDashboardQueries>(provider => provider.GetRequiredService<InMemoryQueries>());
        services.AddHostedService<DemoData>();
        services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: [OperationalEndpoints.ReadyTag]);
    }

    private static void AddClusterClient(WebApplicationBuilder builder, string connectionString)
    {
        var services = builder.Services;
        var hostedBefore = services.Where(d => d.ServiceType == typeof(IHostedService)).ToHashSet();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(builder.Configuration.GetSection("Cluster"));
            client.Configure<GatewayOptions>(options => options.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2));
            client.Configure<GatewayOptions>(builder.Configuration.GetSection("Gateway"));

            // A call in flight to a silo that crashed is only failed by this timeout (Orleans fails such calls early on
            // silos, not on clients behind a gateway): keep an HTTP request's wait for it short.
            client.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromSeconds(10));
            client.Configure<ClientMessagingOptions>(builder.Configuration.GetSection("Messaging"));
            client.UseAdoNetClustering(options =>
            {
                options.Invariant = CommerceSiloBuilderExtensions.NpgsqlInvariant;
                options.ConnectionString = PostgresConnectionTuning.Apply(connectionString);
            });
            client.UseClusterTls();
            client.AddActivityPropagation();
            client.AddDashboard();
        });
        services.Replace(ServiceDescriptor.Singleton<IClientConnectionRetryFilter, EndlessConnectionRetry>());

        // Orleans starts its client as a hosted service that holds up the host until a gateway answers; the front end
        // starts it in the background instead (ClusterConnection), so it serves 503s meanwhile.
        var clientServices = services.Where(d => d.ServiceType == typeof(IHostedService) && !hostedBefore.Contains(d)).ToList();
        foreach (var descriptor in clientServices)
        {
            services.Remove(descriptor);
        }

        services.AddSingleton(provider => new ClusterConnection(
            () => [.. clientServices.Select(d => (IHostedService)(d.ImplementationInstance ?? d.ImplementationFactory?.Invoke(provider) ?? ActivatorUtilities.GetServiceOrCreateInstance(provider, d.ImplementationType!)))],
            provider.GetRequiredService<ILogger<ClusterConnection>>()));
        services.AddHostedService(provider => provider.GetRequiredService<ClusterConnection>());
        services.AddSingleton<IClusterConnectionStatusObserver>(provider => provider.GetRequiredService<ClusterConnection>());

        services.AddSingleton(_ =>
        {
            var dataSource = new NpgsqlDataSourceBuilder(PostgresConnectionTuning.Apply(connectionString)) { Name = DataSourceName };

            // Lists are one short statement each: a small pool serves many requests.
            if (dataSource.ConnectionStringBuilder.MaxPoolSize == 100)
            {
                dataSource.ConnectionStringBuilder.MaxPoolSize = 20;
            }

            return dataSource.Build();
        });
        services.AddSingleton<IProductQueries>(provider => new PostgresProductQueries(provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<IOrderQueries>(provider => new PostgresOrderQueries(provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<IWalletEntryQueries>(provider => new PostgresWalletEntryQueries(provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<IDashboardQueries>(provider => new PostgresDashboardQueries(provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [OperationalEndpoints.ReadyTag])
            .AddCheck<ClusterHealthCheck>("cluster", tags: [OperationalEndpoints.ReadyTag]);
    }
}
