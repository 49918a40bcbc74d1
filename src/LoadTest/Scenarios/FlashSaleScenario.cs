using System.Globalization;
using System.Text.Json.Nodes;
using LoadTest.Arguments;
using LoadTest.Auth;
using LoadTest.Measuring;
using LoadTest.Running;

namespace LoadTest.Scenarios;

/// <summary>
/// A spike of buyers at one product: attempt i is buyer i mod N placing an order for one unit (each attempt under a
/// new Idempotency-Key, as a buyer pressing Buy again would). Afterwards the product must account for every order:
/// none sold beyond the stock, the stock down by exactly the orders, a sold-out answer only once the stock is gone,
/// and, with <c>--buyer-limit</c>, no buyer above it.
/// </summary>
public sealed class FlashSaleScenario(LoadTestArguments arguments, ApiClient api, TokenMinter minter, RunStats stats) : Scenario
{
    private readonly string _productId = arguments.Product!;
    private readonly BuyerTokens _buyers = new(minter, arguments.Buyers);
    private readonly int[] _ordersByBuyer = new int[arguments.Buyers];
    private readonly ProductSetup _setup = new(api.Unmeasured(), minter.Sign("loadtest-manager", "manager"));
    private readonly string _body = OrderBody.OneUnitOf(arguments.Product!);
    private int _stockBefore;
    private long _orders;

    public override string Name => "flash-sale";

    public override JsonObject Setup => new()
    {
        ["product"] = _productId,
        ["stock_set_to"] = arguments.Stock,
        ["stock_before"] = _stockBefore,
        ["buyers"] = arguments.Buyers,
        ["buyer_limit"] = arguments.BuyerLimit,
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
        var buyer = (int)(iteration % _buyers.Count);
        var answer = await api.PostAsync("POST /orders", "/api/v1/orders", _buyers.For(buyer), _body, Guid.NewGuid().ToString("N"), cancellationToken);
        if (answer.Status == 201)
        {
            Interlocked.Increment(ref _ordersByBuyer[buyer]);
            Interlocked.Increment(ref _orders);
        }
    }

    // Any 409 is a refusal the sale may give (out-of-stock; a sale not started or a buyer over the limit, where the
    // target enforces them); 429 is a rate limit shedding load. Each is still counted by its problem type.
    public override bool IsExpectedRefusal(Answer answer) => answer.Status is 409 or 429;

    public override async Task<Verdict> VerifyAsync(TimeSpan elapsed, CancellationToken cancellationToken)
    {
        var stockAfter = await _setup.AvailableAsync(_productId, cancellationToken);
        var orders = Interlocked.Read(ref _orders);
        var oversold = Math.Max(0, orders - _stockBefore);
        var soldOutAnswers = stats.Answers.Count(a => a is { Status: 409, ProblemType: "out-of-stock" });
        var maxPerBuyer = _ordersByBuyer.Max();
        var buyersWithOrders = _ordersByBuyer.Count(n => n > 0);
        var invariant = CultureInfo.InvariantCulture;

        List<Check> checks =
        [
            new("not oversold", oversold == 0, $"{orders} orders for {_stockBefore} units"),
            new("stock accounted for", stockAfter == _stockBefore - orders, $"stock {_stockBefore} before, {stockAfter} after, {orders} orders"),
            new("sold out only when sold out", soldOutAnswers == 0 || orders == _stockBefore,
                $"{soldOutAnswers} out-of-stock answers with {_stockBefore - orders} of {_stockBefore} units unsold"),
        ];
        if (arguments.BuyerLimit is { } limit)
        {
            checks.Add(new("no buyer over the limit", maxPerBuyer <= limit, $"at most {maxPerBuyer} orders per buyer, limit {limit}"));
        }

        return new Verdict(
            checks,
            [
                KeyValuePair.Create("orders", orders.ToString(invariant)),
                KeyValuePair.Create("stock", _stockBefore.ToString(invariant)),
                KeyValuePair.Create("oversold", oversold.ToString(invariant)),
            ],
            new JsonObject
            {
                ["product"] = _productId,
                ["stock_before"] = _stockBefore,
                ["stock_after"] = stockAfter,
                ["orders"] = orders,
                ["oversold"] = oversold,
                ["out_of_stock_answers"] = soldOutAnswers,
                ["buyers_with_orders"] = buyersWithOrders,
                ["max_orders_per_buyer"] = maxPerBuyer,
            });
    }
}
