using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Benchmarks;

/// <summary>
/// Access tokens signed here with the front ends' key, as their token issuer would sign them (HS256; sub, name, role;
/// issuer, audience, one hour). The front ends run as Production, where the development token endpoint does not exist.
/// </summary>
public static class BenchmarkTokens
{
    // What the front end's token validation expects (src/WebFrontend/appsettings.json, Auth section).
    private const string Issuer = "commerce";
    private const string Audience = "commerce-api";

    public static string Sign(string signingKey, string subject, string role, string? name = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64Url("""{"alg":"HS256","typ":"JWT"}"""u8.ToArray());
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["sub"] = subject,
            ["name"] = name ?? subject,
            ["role"] = role,
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["iat"] = now,
            ["nbf"] = now - 60,
            ["exp"] = now + 3600,
        }));
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingKey), Encoding.ASCII.GetBytes($"{header}.{payload}"));
        return $"{header}.{payload}.{Base64Url(signature)}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
