using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using LoadTest.Arguments;
using LoadTest.Auth;
using LoadTest.Measuring;
using LoadTest.Running;

namespace LoadTest.Scenarios;

/// <summary>
/// A whole checkout per iteration, as the checkout benchmark does it: buyer i mod N places an order for one unit,
/// opens its pay URL on the gateway simulator (which registers the transaction), completes it there as a success
/// (which sends the IPN), then reads the order until it is PAID or <see cref="PaidDeadline"/> passes. An order created
/// but not PAID in time is lost; there must be none.
/// </summary>
public sealed class CheckoutScenario(LoadTestArguments arguments, ApiClient api, TokenMinter minter, TimeProvider time) : Scenario
{
    public static readonly TimeSpan PaidDeadline = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly string s_success = new JsonObject { ["outcome"] = "success" }.ToJsonString();

    private readonly string _productId = arguments.Product!;
    private readonly BuyerTokens _buyers = new(minter, arguments.Buyers);
    private readonly ProductSetup _setup = new(api.Unmeasured(), minter.Sign("loadtest-manager", "manager"));
    private readonly string _body = OrderBody.OneUnitOf(arguments.Product!);
    private readonly ConcurrentQueue<string> _lostExamples = new();
    private int _stockBefore;
    private long _created;
    private long _paid;
    private long _lost;

    /// <summary>From sending the order to reading it PAID, for paid orders only.</summary>
    public LatencyHistogram CreateToPaid { get; } = new();

    public override string Name => "checkout";

    public override JsonObject Setup => new()
    {
        ["product"] = _productId,
        ["stock_set_to"] = arguments.Stock,
        ["stock_before"] = _stockBefore,
        ["buyers"] = arguments.Buyers,
        ["paid_deadline_seconds"] = PaidDeadline.TotalSeconds,
        ["poll_interval_ms"] = s_pollInterval.TotalMilliseconds,
    };

    public override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (arguments.Stock is { } stock)
        {
            await _setup.CreateOrResetAsync(_productId, stock, cancellationToken);
        }

        _stockBefore = await _setup.AvailableAsync(_productId, cancellationToken);
    }

    public override async Task RunOnceAsync(long iteration, CancellationToken cancellationToken)
    {
        var token = _buyers.For((int)(iteration % _buyers.Count));
        var started = time.GetTimestamp();
        var placed = await api.PostAsync("POST /orders", "/api/v1/orders", token, _body, Guid.NewGuid().ToString("N"), cancellationToken);
        if (placed.Status != 201)
        {
            // Refused (sold out, shed) or failed: counted by its answer; no order exists to lose.
            return;
        }

        Interlocked.Increment(ref _created);
        var order = placed.Json();
        var orderId = order?["id"]?.GetValue<string>();
        var paymentId = order?["payment"]?["id"]?.GetValue<string>();
        var payUrl = order?["payment"]?["pay_url"]?.GetValue<string>();
        if (orderId is null || paymentId is null || payUrl is null)
        {
            Lose(orderId ?? "?", $"201 without id, payment.id or payment.pay_url: {placed}");
            return;
        }

        // The buyer opens the pay page: the simulator checks the URL's signature and registers the transaction.
        var payPage = await api.GetAsync("GET pay_url", payUrl, token: null, cancellationToken);
        if (payPage.Status != 200)
        {
            Lose(orderId, $"the pay URL answered {payPage}");
            return;
        }

        // The buyer pays: the simulator records the success and sends its IPN to the front end.
        var gateway = new Uri(payUrl).GetLeftPart(UriPartial.Authority);
        var completed = await api.PostAsync("POST /_sim/…/complete", $"{gateway}/_sim/transactions/{Uri.EscapeDataString(paymentId)}/complete", token: null,
            s_success, idempotencyKey: null, cancellationToken);
        if (completed.Status != 200)
        {
            Lose(orderId, $"completing the payment on the simulator answered {completed}");
            return;
        }

        var completedAt = time.GetTimestamp();
        var last = "";
        while (time.GetElapsedTime(completedAt) < PaidDeadline)
        {
            var read = await api.GetAsync("GET /orders/{id}", $"/api/v1/orders/{orderId}", token, cancellationToken);
            var status = read.Status == 200 ? read.Json()?["status"]?.GetValue<string>() : null;
            if (status == "PAID")
            {
                CreateToPaid.Record(time.GetElapsedTime(started));
                Interlocked.Increment(ref _paid);
                return;
            }

            last = status ?? read.ToString();
            await Task.Delay(s_pollInterval, time, cancellationToken);
        }

        Lose(orderId, $"not PAID {PaidDeadline.TotalSeconds:0} s after paying; last read: {last}");
    }

    // Sold out (a stock too small for the run) and rate limits refuse before an order exists: counted, not lost.
    public override bool IsExpectedRefusal(Answer answer) => answer is { Status: 429 } or { Status: 409, ProblemType: "out-of-stock" };

    public override async Task<Verdict> VerifyAsync(TimeSpan elapsed, CancellationToken cancellationToken)
    {
        var stockAfter = await _setup.AvailableAsync(_productId, cancellationToken);
        var (created, paid, lost) = (Interlocked.Read(ref _created), Interlocked.Read(ref _paid), Interlocked.Read(ref _lost));
        var invariant = CultureInfo.InvariantCulture;
        return new Verdict(
            [
                new("no order lost", lost == 0, $"{created} created, {paid} PAID, {lost} lost" + (_lostExamples.IsEmpty ? "" : $"; e.g. {_lostExamples.First()}")),
                new("stock accounted for", stockAfter == _stockBefore - created, $"stock {_stockBefore} before, {stockAfter} after, {created} orders"),
            ],
            [
                KeyValuePair.Create("paid", paid.ToString(invariant)),
                KeyValuePair.Create("lost", lost.ToString(invariant)),
                KeyValuePair.Create("paid_per_s", (paid / elapsed.TotalSeconds).ToString("F1", invariant)),
                KeyValuePair.Create("paid_p99_ms", CreateToPaid.Percentile(0.99).ToString("F1", invariant)),
            ],
            new JsonObject
            {
                ["product"] = _productId,
                ["stock_before"] = _stockBefore,
                ["stock_after"] = stockAfter,
                ["created"] = created,
                ["paid"] = paid,
                ["lost"] = lost,
                ["paid_per_s"] = Math.Round(paid / elapsed.TotalSeconds, 1),
                ["lost_examples"] = new JsonArray([.. _lostExamples.Select(e => JsonValue.Create(e))]),
                ["create_to_paid"] = Reporting.LatencyJson.Of(CreateToPaid),
            });
    }

    private void Lose(string orderId, string why)
    {
        Interlocked.Increment(ref _lost);
        if (_lostExamples.Count < 5)
        {
            _lostExamples.Enqueue($"order {orderId}: {why}");
        }
    }
}
