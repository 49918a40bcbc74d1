using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Runtime.Hosting;

// One silo. With ConnectionStrings__Postgres set, state and reminders live in PostgreSQL (schema migrated at start);
// without it, in memory, and the silo says loudly that nothing is durable.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Logging.ClearProviders();
builder.Logging.AddJsonConsole(options => options.IncludeScopes = true);

var silo = builder.Services.AddSilo();
builder.Services.AddOptions<SiloOptions>().Bind(builder.Configuration.GetSection(SiloOptions.SectionName));

var connectionString = builder.Configuration.GetConnectionString("Postgres");
if (string.IsNullOrWhiteSpace(connectionString))
{
    silo.UseInMemoryStorage();
}
else
{
    silo.UsePostgres(connectionString);
}

await builder.Build().RunAsync();
