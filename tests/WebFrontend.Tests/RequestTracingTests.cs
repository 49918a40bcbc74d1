using System.Net;
using Commerce.Testing;
using Grains.Diagnostics;
using Grains.Orders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>
/// Case C13: one request can be followed across processes. The front end puts the request's id and user into Orleans'
/// request context, and the silo's logs of the grain calls that request made carry them.
/// </summary>
public sealed class RequestTracingTests : IAsyncLifetime
{
    private readonly ControllableSagaFaults _faults = new();
    private InProcessSilo _silo = null!;
    private FrontEnd _frontEnd = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await SharedPostgres.CreateDatabaseAsync();
        _silo = await InProcessSilo.StartAsync(connectionString, "traced-silo", TestPayments.Settings(new Uri("http://127.0.0.1:9/")), services =>
        {
            services.AddSingleton<IOrderSagaFaults>(_faults);
            services.AddFakeLogging();
        });
        _frontEnd = new FrontEnd(connectionString, services => services.AddFakeLogging());
        await _frontEnd.ConnectedAsync();
    }

    public async Task DisposeAsync()
    {
        await _frontEnd.DisposeAsync();
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task A_failed_order_is_found_by_its_request_id_in_the_front_ends_and_the_silos_logs()
    {
        var product = await Seed.ProductAsync(_frontEnd, stock: 3);
        var customer = Seed.UniqueId("traced");
        using var client = _frontEnd.ClientFor(Tokens.Customer(customer));
        var request = Api.Request(HttpMethod.Post, "/api/v1/orders", Seed.OrderBody(product));
        request.Headers.TryAddWithoutValidation("Idempotency-Key", Api.NewKey());
        request.Headers.TryAddWithoutValidation("X-Request-Id", "order-trace-42");

        _faults.FailAt(OrderSagaStep.Persisting);
        Reply failed;
        try
        {
            failed = await Reply.ReadAsync(await client.SendAsync(request));
        }
        finally
        {
            _faults.Clear();
        }

        Assert.Equal(HttpStatusCode.InternalServerError, failed.Status);
        var frontEndLog = Assert.Single(Logs(_frontEnd.Services), r => r.Level == LogLevel.Error && ScopeValue(r, RequestContextKeys.RequestId) == "order-trace-42");
        Assert.Contains("/api/v1/orders", frontEndLog.Message, StringComparison.Ordinal);
        var siloLog = Assert.Single(Logs(_silo.Services), r => r.Category == typeof(Grains.Orders.OrderGrain).FullName && ScopeValue(r, RequestContextKeys.RequestId) == "order-trace-42");
        Assert.Equal(LogLevel.Warning, siloLog.Level);
        Assert.Equal(customer, ScopeValue(siloLog, RequestContextKeys.UserId));
        Assert.StartsWith("order/", ScopeValue(siloLog, "grain_id"), StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(siloLog.Exception);
    }

    private static IReadOnlyList<FakeLogRecord> Logs(IServiceProvider services) => services.GetFakeLogCollector().GetSnapshot();

    private static string? ScopeValue(FakeLogRecord record, string key)
        => record.Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>().SelectMany(scope => scope).Where(pair => pair.Key == key).Select(pair => pair.Value as string).FirstOrDefault();
}
