namespace LoadTest.Auth;

/// <summary>
/// One token per buyer (<c>loadtest-buyer-00042</c>, role customer), signed the first time that buyer acts and kept
/// for the run: a buyer keeps one identity, and a million buyers cost nothing until they buy.
/// </summary>
public sealed class BuyerTokens(TokenMinter minter, int buyers)
{
    private readonly string?[] _tokens = new string?[buyers];

    public int Count => buyers;

    public static string BuyerId(int buyer) => $"loadtest-buyer-{buyer:D5}";

    public string For(int buyer)
        => Volatile.Read(ref _tokens[buyer]) ?? Interlocked.CompareExchange(ref _tokens[buyer], minter.Sign(BuyerId(buyer), "customer"), null) ?? _tokens[buyer]!;
}
