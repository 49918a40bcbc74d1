using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LoadTest.Auth;

/// <summary>
/// Signs access tokens as the front ends' token issuer would (JWT, HS256; sub, name, role, iss, aud, one hour), so a
/// run can have thousands of distinct buyers and works where no token endpoint exists (outside Development).
/// </summary>
public sealed class TokenMinter(string signingKey, string issuer, string audience, TimeProvider time)
{
    private static readonly TimeSpan s_lifetime = TimeSpan.FromHours(1);

    private readonly byte[] _key = Encoding.UTF8.GetBytes(signingKey);
    private readonly string _header = Base64Url("""{"alg":"HS256","typ":"JWT"}"""u8);

    public string Sign(string subject, string role)
    {
        var now = time.GetUtcNow();
        using var payload = new MemoryStream();
        using (var json = new Utf8JsonWriter(payload))
        {
            json.WriteStartObject();
            json.WriteString("sub", subject);
            json.WriteString("name", subject);
            json.WriteString("role", role);
            json.WriteString("iss", issuer);
            json.WriteString("aud", audience);
            json.WriteNumber("iat", now.ToUnixTimeSeconds());
            // A minute early, for a front end whose clock is behind this one's.
            json.WriteNumber("nbf", now.AddMinutes(-1).ToUnixTimeSeconds());
            json.WriteNumber("exp", now.Add(s_lifetime).ToUnixTimeSeconds());
            json.WriteEndObject();
        }

        var signed = $"{_header}.{Base64Url(payload.ToArray())}";
        return $"{signed}.{Base64Url(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(signed)))}";
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
