using System.Net;
using Grains.Persistence.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Dashboard;
using ServiceDefaults;
using Silo;

// One silo. With ConnectionStrings__Postgres set it joins the cluster that database coordinates (membership,
// reminders and state in PostgreSQL, migrated at start); without it, it runs alone on in-memory storage and says
// loudly that nothing is durable. With Silo__HttpPort it also serves /metrics, /health/live and /health/ready.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddCommerceTelemetry("silo");

// Silo:HttpPort: where /metrics and /health/* listen, if anywhere (README, "Configuration"); where the silo port does.
var endpoints = builder.Configuration.GetSection("Endpoints");
var advertised = IPAddress.Parse(endpoints["AdvertisedIPAddress"] ?? "127.0.0.1");
var listenOnAny = endpoints.GetValue("ListenOnAnyHostAddress", false);
builder.ListenForOperations("Silo", listenOnAny ? null : advertised);
builder.Services.AddHealthChecks().AddCheck<SiloActiveHealthCheck>("silo", tags: [OperationalEndpoints.ReadyTag]);

var connectionString = builder.Configuration.GetConnectionString("Postgres");
builder.UseOrleans(silo =>
{
    silo.Configure<ClusterOptions>(builder.Configuration.GetSection("Cluster"));
    silo.Configure<SiloOptions>(options => options.SiloName = builder.Configuration["Silo:Name"] ?? Environment.MachineName);
    silo.ConfigureEndpoints(
        advertised,
        endpoints.GetValue("SiloPort", EndpointOptions.DEFAULT_SILO_PORT),
        endpoints.GetValue("GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT),
        listenOnAnyHostAddress: listenOnAny);
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

var app = builder.Build();
app.MapCommerceOperationalEndpoints();
if (string.IsNullOrWhiteSpace(connectionString))
{
    app.Services.GetRequiredService<ILogger<Program>>().LogWarning("No ConnectionStrings:Postgres: this silo runs alone on in-memory storage; nothing is durable.");
}

await app.RunAsync();

/// <summary>The silo's entry point, named for its logs.</summary>
public partial class Program;
