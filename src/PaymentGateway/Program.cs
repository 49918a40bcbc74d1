using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using PaymentGateway.Admin;
using PaymentGateway.Hosting;
using PaymentGateway.Ipn;
using PaymentGateway.Merchant;
using PaymentGateway.PayPage;
using PaymentGateway.Query;
using PaymentGateway.Transactions;

// A simulated VNPay gateway (merchant protocol 2.1.0) for one merchant, all state in memory. See docs/payment-gateway.md.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Logging.ClearProviders();
builder.Logging.AddJsonConsole();
builder.Services.Configure<ConsoleLoggerOptions>(options => options.LogToStandardErrorThreshold = LogLevel.Trace);

builder.Services.AddOptions<MerchantOptions>().Bind(builder.Configuration.GetSection(MerchantOptions.SectionName)).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<MerchantOptions>, MerchantOptionsValidator>();
builder.Services.AddOptions<IpnOptions>().Bind(builder.Configuration.GetSection(IpnOptions.SectionName)).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<IpnOptions>, IpnOptionsValidator>();
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, AdminJsonContext.Default));
builder.Services.AddProblemDetails();

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<MerchantAccount>();
builder.Services.AddSingleton<TransactionBook>();
builder.Services.AddSingleton<PaymentCompletion>();
builder.Services.AddSingleton<IpnFaults>();
builder.Services.AddSingleton<IpnQueue>();
builder.Services.AddSingleton<IpnLog>();
builder.Services.AddSingleton<IpnDelivery>();
builder.Services.AddHostedService<IpnDispatcher>();
builder.Services.AddSingleton<StatusFaults>();
builder.Services.AddSingleton<RequestIdRegistry>();
builder.Services.AddSingleton<SimulatorStats>();

// Probes for container orchestrators (deploy/): all state is in this process, so live and ready mean "it answers".
builder.Services.AddHealthChecks();

// Each IPN attempt has its own deadline (Ipn:Timeout); redirects are not followed, as a merchant's 3xx is no confirmation.
builder.Services.AddHttpClient(IpnDelivery.HttpClientName, client =>
    {
        client.Timeout = Timeout.InfiniteTimeSpan;
        client.MaxResponseContentBufferSize = 64 * 1024;
    })
    .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapPayPageEndpoints();
app.MapQueryEndpoint();
app.MapAdminEndpoints();
app.MapHealthChecks("/health/live");
app.MapHealthChecks("/health/ready");
app.AnnounceListeningAddress();

try
{
    await app.StartAsync();
}
catch (OptionsValidationException exception)
{
    await Console.Error.WriteLineAsync("payment-gateway cannot start: " + string.Join(" ", exception.Failures));
    return 1;
}

await app.WaitForShutdownAsync();
return 0;
