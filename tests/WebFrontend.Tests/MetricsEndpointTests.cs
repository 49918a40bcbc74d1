using System.Net;
using Commerce.Testing;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>
/// <c>/metrics</c> in Prometheus' text format on a front end and on a silo given an HTTP port (Silo:HttpPort), each a
/// process of its own so that its counters are its own: Orleans' metrics and ours, counted exactly.
/// </summary>
public sealed class MetricsEndpointTests(MetricsEndpointTests.Cluster cluster) : IClassFixture<MetricsEndpointTests.Cluster>
{
    [Fact]
    public async Task A_silo_with_an_http_port_is_ready_and_counts_the_order_it_placed()
    {
        using var manager = cluster.FrontEndClient(Seed.Manager);
        var product = Seed.UniqueId("metered");
        var created = await manager.PostJsonAsync("/api/v1/products", Json.Of(new { id = product, name = "Metered", price = 100_000, stock = 5 }));
        Assert.Equal(HttpStatusCode.Created, created.Status);
        using var customer = cluster.FrontEndClient(Tokens.Customer(Seed.UniqueId("metered")));
        var order = await customer.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product), Api.NewKey());
        Assert.True(order.Status == HttpStatusCode.Created, order.ToString());

        using var silo = new HttpClient { BaseAddress = cluster.SiloHttp };
        var live = await silo.GetAsync(new Uri("/health/live", UriKind.Relative));
        var ready = await silo.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var (contentType, metrics) = await ScrapeAsync(silo);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
        Assert.StartsWith("text/plain", contentType, StringComparison.Ordinal);
        Assert.Equal(1, metrics.Value("commerce_orders_created_total"));
        Assert.Equal(1, metrics.Value("commerce_stock_reservations_total", ("outcome", "reserved")));
        Assert.Equal(1, metrics.Value("commerce_payment_gateway_circuit_state", ("state", "closed")));
        Assert.Equal(1, metrics.Value("orleans_catalog_activation_created_total", ("grain_type", "order")));
    }

    [Fact]
    public async Task A_front_end_counts_the_ipn_replies_it_gave_beside_orleans_client_metrics()
    {
        using var gateway = cluster.FrontEndClient(token: null);
        var forged = await gateway.GetJsonAsync("/api/v1/webhooks/vnpay/ipn?vnp_TxnRef=pay-forged&vnp_Amount=100&vnp_SecureHash=00");
        Assert.Equal("97", forged.Json!["RspCode"]!.GetValue<string>());

        var (contentType, metrics) = await ScrapeAsync(gateway);

        Assert.StartsWith("text/plain", contentType, StringComparison.Ordinal);
        Assert.Equal(1, metrics.Value("commerce_ipn_replies_total", ("rsp_code", "97")));
        Assert.Null(metrics.Value("commerce_ipn_replies_total", ("rsp_code", "00")));

        // Its one connection, to the cluster's one gateway.
        Assert.Equal(1, metrics.Value("orleans_networking_sockets_opened_total"));
    }

    private static async Task<(string ContentType, PrometheusText Metrics)> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (response.Content.Headers.ContentType?.ToString() ?? "", PrometheusText.Parse(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>A silo process with an HTTP port and a front end process, its client, on a database of their own.</summary>
    public sealed class Cluster : IAsyncLifetime
    {
        private readonly string _logs = Path.Combine(Path.GetTempPath(), $"metrics-tests-{Guid.NewGuid():N}");
        private SiloProcess? _silo;
        private FrontEndProcess? _frontEnd;

        public Uri SiloHttp { get; private set; } = null!;

        public HttpClient FrontEndClient(string? token)
        {
            var client = new HttpClient { BaseAddress = _frontEnd!.Address, Timeout = TimeSpan.FromMinutes(1) };
            if (token is not null)
            {
                client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            }

            return client;
        }

        public async Task InitializeAsync()
        {
            var connectionString = await SharedPostgres.CreateDatabaseAsync();
            var vnPay = TestPayments.Settings(new Uri("http://127.0.0.1:9/"));
            var httpPort = FreePorts.Next();
            SiloHttp = new Uri($"http://127.0.0.1:{httpPort}");
            var settings = vnPay.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
            settings["Silo__HttpPort"] = httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _silo = SiloProcess.Start("metrics-silo", connectionString, _logs, settings);
            await _silo.Started.WaitAsync(TimeSpan.FromMinutes(2));
            _frontEnd = FrontEndProcess.Start("metrics-front-end", connectionString, _logs, vnPay);
            await _frontEnd.Started.WaitAsync(TimeSpan.FromMinutes(2));
        }

        public async Task DisposeAsync()
        {
            if (_frontEnd is not null)
            {
                await _frontEnd.DisposeAsync();
            }

            if (_silo is not null)
            {
                await _silo.DisposeAsync();
            }
        }
    }
}
