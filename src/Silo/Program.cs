using System.Net;
using Grains.Persistence.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Dashboard;

// One silo. With ConnectionStrings__Postgres set it joins the cluster that database coordinates (membership,
// reminders and state in PostgreSQL, migrated at start); without it, it runs alone on in-memory storage and says
// loudly that nothing is durable.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Logging.ClearProviders();
builder.Logging.AddJsonConsole(options => options.IncludeScopes = true);

var connectionString = builder.Configuration.GetConnectionString("Postgres");
builder.UseOrleans(silo =>
{
    silo.Configure<ClusterOptions>(builder.Configuration.GetSection("Cluster"));
    silo.Configure<SiloOptions>(options => options.SiloName = builder.Configuration["Silo:Name"] ?? Environment.MachineName);
    var endpoints = builder.Configuration.GetSection("Endpoints");
    silo.ConfigureEndpoints(
        IPAddress.Parse(endpoints["AdvertisedIPAddress"] ?? "127.0.0.1"),
        endpoints.GetValue("SiloPort", EndpointOptions.DEFAULT_SILO_PORT),
        endpoints.GetValue("GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT),
        listenOnAnyHostAddress: endpoints.GetValue("ListenOnAnyHostAddress", false));
    silo.Configure<ReminderOptions>(builder.Configuration.GetSection("Reminders"));
    silo.Configure<GrainCollectionOptions>(builder.Configuration.GetSection("GrainCollection"));
    silo.UseFastFailureDetection();
    silo.UseClusterTls();
    silo.AddCommerce();
    silo.AddDashboard();
    if (string.IsNullOrWhiteSpace(connectionString))
    {
        silo.UseLocalhostClustering();
        silo.UseInMemoryStorage();
    }
    else
    {
        silo.UsePostgres(connectionString);
    }

    // Kubernetes sets KUBERNETES_SERVICE_HOST in every pod's environment. There the silo also reconciles
    // membership with its pods (a deleted pod's silo is declared dead at once instead of after missed probes) and
    // takes its name from POD_NAME (deploy/k8s/silo.yaml). Registered last so that the pod's name wins over Silo:Name:
    // the agent matches silos to pods by name. Outside Kubernetes nothing changes.
    if (!string.IsNullOrEmpty(builder.Configuration["KUBERNETES_SERVICE_HOST"]))
    {
        silo.UseKubernetesHosting();
    }
});

var host = builder.Build();
if (string.IsNullOrWhiteSpace(connectionString))
{
    host.Services.GetRequiredService<ILogger<Program>>().LogWarning("No ConnectionStrings:Postgres: this silo runs alone on in-memory storage; nothing is durable.");
}

await host.RunAsync();

/// <summary>The silo's entry point, named for its logs.</summary>
public partial class Program;
