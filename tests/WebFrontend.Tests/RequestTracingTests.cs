using System.Diagnostics;
using System.Net;
using Commerce.Testing;
using Grains.Diagnostics;
using Grains.Orders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OpenTelemetry.Trace;
using ServiceDefaults;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>
/// Case C13: one request can be followed across processes. The front end puts the request's id and user into Orleans'
/// request context, and the silo's logs of the grain calls that request made carry them; the W3C trace context travels
/// with the grain calls too, so the same trace id is on both processes' log lines and spans.
/// </summary>
public sealed class RequestTracingTests : IAsyncLifetime
{
    private readonly ControllableSagaFaults _faults = new();
    private readonly EndedSpans _frontEndSpans = new();
    private readonly EndedSpans _siloSpans = new();
    private InProcessSilo _silo = null!;
    private FrontEnd _frontEnd = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await SharedPostgres.CreateDatabaseAsync();
        _silo = await InProcessSilo.StartAsync(connectionString, "traced-silo", TestPayments.Settings(new Uri("http://127.0.0.1:9/")), services =>
        {
            services.AddSingleton<IOrderSagaFaults>(_faults);
            services.AddFakeLogging();
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(_siloSpans));
        }, telemetry: true);
        _frontEnd = new FrontEnd(connectionString, services =>
        {
            services.AddFakeLogging();
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(_frontEndSpans));
        });
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

        var failed = await FailingAtPersistAsync(client, request);

        Assert.Equal(HttpStatusCode.InternalServerError, failed.Status);
        var frontEndLog = Assert.Single(Logs(_frontEnd.Services), r => r.Level == LogLevel.Error && ScopeValue(r, RequestContextKeys.RequestId) == "order-trace-42");
        Assert.Contains("/api/v1/orders", frontEndLog.Message, StringComparison.Ordinal);
        var siloLog = Assert.Single(Logs(_silo.Services), r => r.Category == typeof(Grains.Orders.OrderGrain).FullName && ScopeValue(r, RequestContextKeys.RequestId) == "order-trace-42");
        Assert.Equal(LogLevel.Warning, siloLog.Level);
        Assert.Equal(customer, ScopeValue(siloLog, RequestContextKeys.UserId));
        Assert.StartsWith("order/", ScopeValue(siloLog, "grain_id"), StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(siloLog.Exception);
    }

    [Fact]
    public async Task One_orders_trace_id_is_on_the_front_ends_and_the_silos_log_lines_and_spans()
    {
        var product = await Seed.ProductAsync(_frontEnd, stock: 3);
        var customer = Seed.UniqueId("traced");
        using var client = _frontEnd.ClientFor(Tokens.Customer(customer));
        var traceId = ActivityTraceId.CreateRandom();
        var callerSpanId = ActivitySpanId.CreateRandom();
        var request = Api.Request(HttpMethod.Post, "/api/v1/orders", Seed.OrderBody(product));
        request.Headers.TryAddWithoutValidation("Idempotency-Key", Api.NewKey());
        request.Headers.TryAddWithoutValidation("X-Request-Id", "order-trace-43");
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-{callerSpanId}-01");
        var httpSpan = _frontEndSpans.Next(span => span.TraceId == traceId && span.Source.Name == "Microsoft.AspNetCore");
        var grainCallSpan = _siloSpans.Next(span => span.TraceId == traceId && span.Source.Name == TelemetryNames.OrleansApplicationActivitySource
            && span.Kind == ActivityKind.Server && span.DisplayName == "IOrderGrain/Place");

        var failed = await FailingAtPersistAsync(client, request);

        Assert.Equal(HttpStatusCode.InternalServerError, failed.Status);
        var id = traceId.ToHexString();
        var frontEndLog = Assert.Single(Logs(_frontEnd.Services), r => r.Level == LogLevel.Error && ScopeValue(r, "TraceId") == id);
        Assert.Equal("order-trace-43", ScopeValue(frontEndLog, RequestContextKeys.RequestId));
        Assert.Equal(customer, ScopeValue(frontEndLog, RequestContextKeys.UserId));
        var siloLog = Assert.Single(Logs(_silo.Services), r => r.Category == typeof(Grains.Orders.OrderGrain).FullName && ScopeValue(r, "TraceId") == id);
        Assert.Equal("order-trace-43", ScopeValue(siloLog, RequestContextKeys.RequestId));

        var http = await httpSpan.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(ActivityKind.Server, http.Kind);
        Assert.Equal(callerSpanId, http.ParentSpanId);
        Assert.Equal(500, http.GetTagItem("http.response.status_code"));
        var grainCall = await grainCallSpan.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.True(grainCall.HasRemoteParent, "The grain call's span continues a trace it received in the call's message.");
        Assert.Equal("Grains.Orders.IOrderGrain/Place", grainCall.GetTagItem("rpc.method"));
        Assert.StartsWith("order/", grainCall.GetTagItem("orleans.rpc.target_id") as string, StringComparison.Ordinal);
        Assert.Equal(ActivityStatusCode.Error, grainCall.Status);

        // The silo's line was written inside that grain call's span.
        Assert.Equal(grainCall.SpanId.ToHexString(), ScopeValue(siloLog, "SpanId"));
    }

    private async Task<Reply> FailingAtPersistAsync(HttpClient client, HttpRequestMessage request)
    {
        _faults.FailAt(OrderSagaStep.Persisting);
        try
        {
            return await Reply.ReadAsync(await client.SendAsync(request));
        }
        finally
        {
            _faults.Clear();
        }
    }

    private static IReadOnlyList<FakeLogRecord> Logs(IServiceProvider services) => services.GetFakeLogCollector().GetSnapshot();

    private static string? ScopeValue(FakeLogRecord record, string key)
        => record.Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>().SelectMany(scope => scope).Where(pair => pair.Key == key).Select(pair => pair.Value as string).FirstOrDefault();
}
