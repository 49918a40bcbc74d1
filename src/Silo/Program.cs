using Grains.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Runtime.Cluster;
using Runtime.Hosting;

// One silo. With ConnectionStrings__Postgres set, it joins the cluster that database coordinates (state, reminders,
// membership and partition leases in PostgreSQL; grain transport on Cluster__Port); without it, it runs alone with
// in-memory storage and says loudly that nothing is durable.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Logging.ClearProviders();
builder.Logging.AddJsonConsole(options => options.IncludeScopes = true);

var silo = builder.Services.AddSilo();
builder.Services.AddOptions<SiloOptions>().Bind(builder.Configuration.GetSection(SiloOptions.SectionName));
builder.Services.AddOptions<ClusterOptions>().Bind(builder.Configuration.GetSection(ClusterOptions.SectionName));

var connectionString = builder.Configuration.GetConnectionString("Postgres");
if (string.IsNullOrWhiteSpace(connectionString))
{
    silo.UseInMemoryStorage();
}
else
{
    silo.UsePostgres(connectionString);
}

silo.AddCommerce(builder.Configuration);

var host = builder.Build();

// Payment settings are checked at start, not at the first order.
host.Services.GetRequiredService<Grains.Payments.VnPayOptions>().Validate();
await host.RunAsync();
