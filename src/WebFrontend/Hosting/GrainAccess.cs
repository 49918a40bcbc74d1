using Grains.Persistence;
using Grains.Persistence.Queries;
using Npgsql;
using Runtime;
using Runtime.Cluster;
using Runtime.Hosting;
using Runtime.Storage;

namespace WebFrontend.Hosting;

/// <summary>How the front end reaches the grains and the lists: its two modes.</summary>
public static class GrainAccess
{
    /// <summary>The name of the front end's own data source (for lists), as its traces show it.</summary>
    public const string DataSourceName = "web-frontend";

    /// <summary>
    /// With <c>ConnectionStrings:Postgres</c>: a client of the silo cluster on that database, reading lists from its
    /// tables. Without: one silo in this process on in-memory storage, seeded with demo data — nothing to set up,
    /// nothing durable.
    /// </summary>
    public static void AddGrainAccess(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var connectionString = builder.Configuration.GetConnectionString("Postgres");
        var health = services.AddHealthChecks();
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var storage = new InMemoryGrainStorage();
            services.AddOptions<SiloOptions>().Bind(builder.Configuration.GetSection(SiloOptions.SectionName));
            services.AddSilo().UseInMemoryStorage(storage).AddCommerce(builder.Configuration);
            var queries = new InMemoryQueries(storage);
            services.AddSingleton<IProductQueries>(queries);
            services.AddSingleton<IOrderQueries>(queries);
            services.AddHostedService<DemoData>();
            health.AddCheck<SiloHealthCheck>("silo", tags: ["ready"]);
            return;
        }

        services.AddSingleton(_ =>
        {
            var dataSource = new NpgsqlDataSourceBuilder(connectionString) { Name = DataSourceName };
            if (dataSource.ConnectionStringBuilder.MaxAutoPrepare == 0)
            {
                dataSource.ConnectionStringBuilder.MaxAutoPrepare = 64;
            }

            // Lists are one short statement each: a small pool serves many requests.
            if (dataSource.ConnectionStringBuilder.MaxPoolSize == 100)
            {
                dataSource.ConnectionStringBuilder.MaxPoolSize = 20;
            }

            return dataSource.Build();
        });
        services.AddSingleton(sp => new ClusterConnection(connectionString, sp.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService(sp => sp.GetRequiredService<ClusterConnection>());
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<ClusterConnection>());
        services.AddSingleton<IClusterStatus>(sp => sp.GetRequiredService<ClusterConnection>());
        services.AddSingleton<IProductQueries>(sp => new PostgresProductQueries(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<IOrderQueries>(sp => new PostgresOrderQueries(sp.GetRequiredService<NpgsqlDataSource>()));
        health.AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"]);
    }
}
