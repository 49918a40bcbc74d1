using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests.Security;

/// <summary>
/// JWTs put together by hand, byte by byte, as an attacker would: any header (alg none, HS512, jku), any claims, any
/// key or no signature at all. A library that mints tokens refuses to make most of these.
/// </summary>
public static class ForgedTokens
{
    /// <summary>The claims of a valid token for the tests' issuer and audience, to be changed by each attack.</summary>
    public static JsonObject Claims(string? subject, string role = "admin")
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = Tokens.Issuer,
            ["aud"] = Tokens.Audience,
            ["role"] = role,
            ["name"] = "Mallory",
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 1_800,
        };
        if (subject is not null)
        {
            claims["sub"] = subject;
        }

        return claims;
    }

    public static JsonObject Header(string alg = "HS256") => new() { ["alg"] = alg, ["typ"] = "JWT" };

    /// <summary>Header and claims signed with HMAC (SHA-256 or SHA-512 as <paramref name="hmac"/> says) under <paramref name="key"/>.</summary>
    public static string Signed(JsonObject header, JsonObject claims, string key = Tokens.SigningKey, string hmac = "HS256")
    {
        var signingInput = Encode(header) + "." + Encode(claims);
        var keyBytes = Encoding.UTF8.GetBytes(key);
        var input = Encoding.ASCII.GetBytes(signingInput);
        var signature = hmac == "HS512" ? HMACSHA512.HashData(keyBytes, input) : HMACSHA256.HashData(keyBytes, input);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>alg "none": header and claims with an empty signature.</summary>
    public static string Unsigned(JsonObject claims) => Encode(Header("none")) + "." + Encode(claims) + ".";

    /// <summary>A valid token's signature on other claims: what editing a token's payload gives.</summary>
    public static string WithClaimsOf(string validToken, JsonObject claims)
    {
        var parts = validToken.Split('.');
        return parts[0] + "." + Encode(claims) + "." + parts[2];
    }

    private static string Encode(JsonObject json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json.ToJsonString()));
}
