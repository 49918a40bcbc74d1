using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>Mints tokens as any issuer would, independently of the front end's token endpoint (and forged ones).</summary>
public static class Tokens
{
    public const string Issuer = "commerce-tests";
    public const string Audience = "commerce-api-tests";
    public const string SigningKey = "integration-test-signing-key-0123456789abcdef";

    public static string For(string subject, string role, TimeSpan? expiresIn = null, string key = SigningKey)
    {
        var now = DateTime.UtcNow;
        var expires = now + (expiresIn ?? TimeSpan.FromMinutes(30));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("role", role), new Claim("name", $"Customer {subject}")]),
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = expires < now ? expires - TimeSpan.FromMinutes(5) : now,
            NotBefore = expires < now ? expires - TimeSpan.FromMinutes(5) : now,
            Expires = expires,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }

    public static string Customer(string subject) => For(subject, "customer");

    public static string Expired(string subject, string role) => For(subject, role, TimeSpan.FromMinutes(-10));

    public static string BadSignature(string subject, string role) => For(subject, role, key: "another-key-that-is-long-enough-0123456789");
}
