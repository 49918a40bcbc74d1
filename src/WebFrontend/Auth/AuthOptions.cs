namespace WebFrontend.Auth;

/// <summary>Token settings, bound from the "Auth" section. Every front end of a deployment shares them.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    public string Issuer { get; set; } = "commerce";

    public string Audience { get; set; } = "commerce-api";

    /// <summary>The HMAC-SHA256 key, at least 32 bytes of UTF-8. Required.</summary>
    public string SigningKey { get; set; } = "";

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Allowed clock difference between issuer and validator.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Serve POST /api/v1/auth/token for the built-in users (password = user name). Development only.</summary>
    public bool DevelopmentTokens { get; set; }
}
