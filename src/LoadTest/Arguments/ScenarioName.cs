namespace LoadTest.Arguments;

/// <summary>The scenarios the load generator runs, by their command-line names.</summary>
public enum ScenarioName
{
    /// <summary>Many buyers, each with their own token, racing for one product's sale stock.</summary>
    FlashSale,

    /// <summary>Hot reads: product details and the first page of the catalogue.</summary>
    Browse,

    /// <summary>Order, pay on the gateway simulator, wait for PAID.</summary>
    Checkout,
}

public static class ScenarioNames
{
    public static string CommandName(this ScenarioName scenario) => scenario switch
    {
        ScenarioName.FlashSale => "flash-sale",
        ScenarioName.Browse => "browse",
        ScenarioName.Checkout => "checkout",
        _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null),
    };

    public static ScenarioName? Parse(string name) => name switch
    {
        "flash-sale" => ScenarioName.FlashSale,
        "browse" => ScenarioName.Browse,
        "checkout" => ScenarioName.Checkout,
        _ => null,
    };
}
