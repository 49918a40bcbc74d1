using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests.Security;

/// <summary>
/// OWASP API2:2023, broken authentication: forged, stale and misdirected bearer tokens, each claiming to be an admin
/// crediting a wallet. Every one is a 401 with <c>WWW-Authenticate: Bearer error="invalid_token"</c>, and no wallet,
/// movement or idempotency key is written. Users belong to the token issuer, so there is no user to delete here: a
/// deleted user's token is refused once the issuer's key is rotated (the "signed with the key before rotation" row) or
/// when it expires (Auth:TokenLifetime); a token that names no user, or something that is not a user id, is refused.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class Api2BrokenAuthenticationTests(ApiCluster api)
{
    public static TheoryData<string> Attacks => new(s_attacks.Keys);

    private static readonly Dictionary<string, Func<string, string>> s_attacks = new()
    {
        ["alg none, no signature"] = subject => ForgedTokens.Unsigned(ForgedTokens.Claims(subject)),
        ["alg none, with a signature of the right key"] = subject =>
        {
            var signed = ForgedTokens.Signed(ForgedTokens.Header(), ForgedTokens.Claims(subject)).Split('.');
            return ForgedTokens.Unsigned(ForgedTokens.Claims(subject)) + signed[2];
        },
        ["HS512 with the right key, an algorithm the API does not take"] = subject =>
            ForgedTokens.Signed(ForgedTokens.Header("HS512"), ForgedTokens.Claims(subject), hmac: "HS512"),
        ["signed with the key before rotation (how a deleted user's tokens are revoked)"] = subject =>
            ForgedTokens.Signed(ForgedTokens.Header(), ForgedTokens.Claims(subject), key: "the-signing-key-before-rotation-0123456789"),
        ["a customer's token with the role edited to admin"] = subject =>
            ForgedTokens.WithClaimsOf(Tokens.Customer(subject), ForgedTokens.Claims(subject)),
        ["expired ten minutes ago"] = subject => ForgedTokens.Signed(ForgedTokens.Header(), With(ForgedTokens.Claims(subject), "exp", Now() - 600)),
        ["not valid for another ten minutes"] = subject => ForgedTokens.Signed(ForgedTokens.Header(), With(ForgedTokens.Claims(subject), "nbf", Now() + 600)),
        ["without an expiry"] = subject => ForgedTokens.Signed(ForgedTokens.Header(), Without(ForgedTokens.Claims(subject), "exp")),
        ["from another issuer"] = subject => ForgedTokens.Signed(ForgedTokens.Header(), With(ForgedTokens.Claims(subject), "iss", "someone-else")),
        ["for another audience"] = subject => ForgedTokens.Signed(ForgedTokens.Header(), With(ForgedTokens.Claims(subject), "aud", "another-api")),
        ["without an audience"] = subject => ForgedTokens.Signed(ForgedTokens.Header(), Without(ForgedTokens.Claims(subject), "aud")),
        ["without a subject"] = _ => ForgedTokens.Signed(ForgedTokens.Header(), ForgedTokens.Claims(null)),
        ["with an empty subject"] = _ => ForgedTokens.Signed(ForgedTokens.Header(), ForgedTokens.Claims("")),
        ["with a subject that is not a user id"] = _ => ForgedTokens.Signed(ForgedTokens.Header(), ForgedTokens.Claims("alice/../admin")),
        ["with two subjects"] = subject => ForgedTokens.Signed(ForgedTokens.Header(), With(ForgedTokens.Claims(null), "sub", new JsonArray(subject, "admin"))),
        ["not a JWT at all"] = _ => "not-a-token",
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task A_forged_or_stale_token_is_refused_and_writes_nothing(string attack)
    {
        var subject = Seed.UniqueId("mallory");
        var wallet = Seed.UniqueId("wallet");
        var key = Api.NewKey();
        var before = await WrittenState.SnapshotAsync(api, wallet);
        var start = DateTimeOffset.UtcNow;
        using var client = api.B.ClientFor(s_attacks[attack](subject));

        var reply = await client.PostJsonAsync($"/api/v1/wallets/{wallet}/credits", Json.Of(new { amount = 1_000_000, reference = Seed.UniqueId("r") }), key);

        ProblemAssert.Is(reply, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("Bearer error=\"invalid_token\"", reply.Response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(before, await WrittenState.SnapshotAsync(api, wallet));
        await WrittenState.AssertNothingCreatedSinceAsync(api, start);
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM idempotency_keys WHERE idempotency_key = $1", key));
    }

    /// <summary>The same request with an honest admin token does credit the wallet: the refusals above are the token's.</summary>
    [Fact]
    public async Task The_same_request_with_a_valid_token_is_taken()
    {
        var wallet = Seed.UniqueId("wallet");
        using var client = api.B.ClientFor(ForgedTokens.Signed(ForgedTokens.Header(), ForgedTokens.Claims(Seed.UniqueId("admin"))));

        var reply = await client.PostJsonAsync($"/api/v1/wallets/{wallet}/credits", Json.Of(new { amount = 1_000_000, reference = Seed.UniqueId("r") }), Api.NewKey());

        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
        Assert.Equal(1_000_000, await api.ScalarAsync("SELECT balance FROM wallets WHERE user_id = $1", wallet));
    }

    /// <summary>
    /// The dashboard validates a pasted token itself (to turn it into its cookie): an admin token that names no user is
    /// refused there too, and no session cookie is set.
    /// </summary>
    [Theory]
    [InlineData("")]
    [InlineData("alice/../admin")]
    public async Task The_dashboard_sign_in_refuses_an_admin_token_that_names_no_user(string subject)
    {
        using var browser = api.B.ClientFor(null);
        var page = await browser.GetJsonAsync("/dashboard/sign-in");
        var antiforgery = AntiforgeryField().Match(page.Body);
        Assert.True(antiforgery.Success, page.Body);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [antiforgery.Groups["name"].Value] = WebUtility.HtmlDecode(antiforgery.Groups["value"].Value),
            ["token"] = ForgedTokens.Signed(ForgedTokens.Header(), ForgedTokens.Claims(subject)),
        });

        var signIn = await Reply.ReadAsync(await browser.PostAsync(new Uri("/dashboard/sign-in", UriKind.Relative), form));

        Assert.True(signIn.Status == HttpStatusCode.Unauthorized, signIn.ToString());
        Assert.False(signIn.Response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("commerce_dashboard=", StringComparison.Ordinal)));
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]+)\">", RegexOptions.CultureInvariant)]
    private static partial Regex AntiforgeryField();

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static JsonObject With(JsonObject claims, string name, JsonNode value)
    {
        claims[name] = value;
        return claims;
    }

    private static JsonObject Without(JsonObject claims, string name)
    {
        claims.Remove(name);
        return claims;
    }
}
