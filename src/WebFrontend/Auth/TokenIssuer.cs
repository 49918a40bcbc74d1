using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace WebFrontend.Auth;

/// <summary>Signs access tokens with the configured key, issuer and audience (what the bearer handler accepts).</summary>
public sealed class TokenIssuer(IOptions<AuthOptions> options, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new();

    public static SymmetricSecurityKey SigningKey(AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var bytes = Encoding.UTF8.GetBytes(options.SigningKey);
        return bytes.Length >= AuthOptions.MinimumSigningKeyBytes
            ? new SymmetricSecurityKey(bytes)
            : throw new InvalidOperationException($"Auth:SigningKey must be set to at least {AuthOptions.MinimumSigningKeyBytes} bytes (every front end of a deployment shares it).");
    }

    public TokenResponse Issue(string subject, string name, IEnumerable<string> roles)
    {
        var settings = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var claims = new List<Claim> { new(ClaimNames.Subject, subject), new(ClaimNames.Name, name) };
        claims.AddRange(roles.Select(role => new Claim(ClaimNames.Role, role)));
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + settings.TokenLifetime,
            SigningCredentials = new SigningCredentials(SigningKey(settings), SecurityAlgorithms.HmacSha256),
        });
        return new TokenResponse(token, "Bearer", (int)settings.TokenLifetime.TotalSeconds);
    }
}
