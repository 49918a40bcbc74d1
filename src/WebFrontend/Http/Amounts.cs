namespace WebFrontend.Http;

/// <summary>How the API's money reads: whole đồng. VND has no minor unit, so 25990000 is 25,990,000 ₫, never 259,900.00.</summary>
public static class Amounts
{
    /// <summary>The OpenAPI description of every amount field.</summary>
    public const string Description = "Whole đồng (VND has no minor unit): 25990000 is 25,990,000 ₫.";
}
