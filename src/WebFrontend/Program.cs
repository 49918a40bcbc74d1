using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using ServiceDefaults;
using WebFrontend.Auth;
using WebFrontend.Dashboard;
using WebFrontend.Features.Blobs;
using WebFrontend.Features.CustomerDashboard;
using WebFrontend.Features.Exports;
using WebFrontend.Features.Operations;
using WebFrontend.Features.Orders;
using WebFrontend.Features.Payments;
using WebFrontend.Features.Products;
using WebFrontend.Features.Uploads;
using WebFrontend.Features.Wallets;
using WebFrontend.Hosting;
using WebFrontend.Http;
using WebFrontend.Idempotency;
using WebFrontend.OpenApi;
using WebFrontend.RateLimiting;

// The HTTP front end. Without a database it hosts one silo in process on in-memory storage (the README's run
// command); with ConnectionStrings__Postgres it is a client of the silo cluster on that database.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddCommerceTelemetry("web-frontend");
builder.Services.AddOptions<FrontendOptions>().BindConfiguration(FrontendOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
builder.Services.ConfigureHttpJsonOptions(options =>
{
    options.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJson.Context);
    options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
    options.SerializerOptions.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    // As ApiJsonContext reads them: a number is a JSON number, never a string (the OpenAPI document says so too).
    options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
});
builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context => Problem.Complete(context.ProblemDetails, context.HttpContext));
builder.Services.AddExceptionHandler<GrainExceptionHandler>();
builder.Services.AddBearerAuthentication();
builder.Services.AddTrustedProxies();
builder.Services.AddServerLimits();
builder.Services.AddClientRateLimits();
builder.Services.AddSingleton<ProductsWithoutSale>();
builder.Services.AddDashboardAccess();
builder.Services.AddBlobAccess();
builder.Services.AddCustomerDashboard();
builder.Services.AddExportLinks();
builder.Services.AddUploads();
builder.Services.AddCommerceOpenApi();
builder.AddPaymentGatewaySettings();
builder.AddGrainAccess();

var app = builder.Build();
app.UseMiddleware<SecurityHeadersMiddleware>();
app.UseMiddleware<TrustedForwardedHeadersMiddleware>();
if (!app.Environment.IsDevelopment())
{
    // Over HTTPS (directly, or from a proxy configured under ForwardedHeaders) browsers are told to stay on HTTPS.
    app.UseHsts();
}

app.UseMiddleware<RequestIdMiddleware>();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseMiddleware<RequestUserLogMiddleware>();

// After authentication (budgets are per user), before everything that costs: authorization, bodies, idempotency, grains.
app.UseRateLimiter();
app.UseAuthorization();
app.UseMiddleware<DeclaredBodySizeMiddleware>();
app.UseAntiforgery();
app.UseMiddleware<GrainCallContextMiddleware>();
if (app.Configuration.IsClusterClient())
{
    app.UseMiddleware<ClusterGateMiddleware>();
}

app.UseMiddleware<SaleAdmissionMiddleware>();
app.UseMiddleware<IdempotencyMiddleware>();

app.MapOpenApi();
if (app.Environment.IsDevelopment())
{
    app.UseSwaggerUI(options => options.SwaggerEndpoint("/openapi/v1.json", "Commerce API v1"));
}

app.MapCommerceOperationalEndpoints();
app.MapDashboard();
var api = app.MapGroup("/api/v1").RejectUnknownQueryParameters();
api.MapTokenEndpoints(app.Environment);

// Signed links need no cluster: a file downloads while the silos are away.
api.MapBlobEndpoints();
var grainApi = api.MapGroup("").WithMetadata(new RequiresCluster());
grainApi.MapProductEndpoints();
grainApi.MapOrderEndpoints();
grainApi.MapWalletEndpoints();
grainApi.MapCustomerDashboardEndpoints();
grainApi.MapExportEndpoints();
grainApi.MapUploadEndpoints();
grainApi.MapClusterEndpoints();
app.MapGroup("").WithMetadata(new RequiresCluster()).MapVnPayEndpoints();

await app.RunAsync();

/// <summary>The entry point, visible to the integration tests' <c>WebApplicationFactory</c>.</summary>
public partial class Program;
