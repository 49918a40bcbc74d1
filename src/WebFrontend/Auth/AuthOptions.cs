using System.Text;
using Microsoft.Extensions.Options;

namespace WebFrontend.Auth;

/// <summary>Token settings, bound from the "Auth" section. Every front end of a deployment shares them.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>
    /// The signing key committed in appsettings.Development.json: anyone with this repository can sign tokens with it,
    /// so only the Development environment starts with it.
    /// </summary>
    public const string CommittedDevelopmentSigningKey = "development-only-signing-key-change-me-0123456789";

    /// <summary>The smallest HMAC-SHA256 key accepted, in bytes of UTF-8.</summary>
    public const int MinimumSigningKeyBytes = 32;

    public string Issuer { get; set; } = "commerce";

    public string Audience { get; set; } = "commerce-api";

    /// <summary>The HMAC-SHA256 key, at least 32 bytes of UTF-8. Required; outside Development not the committed one.</summary>
    public string SigningKey { get; set; } = "";

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Allowed clock difference between issuer and validator.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Serve POST /api/v1/auth/token for the built-in users (password = user name). The endpoint exists only in the
    /// Development environment (appsettings.Development.json turns this on); elsewhere this setting changes nothing.
    /// </summary>
    public bool DevelopmentTokens { get; set; }
}

/// <summary>Checked at start (ValidateOnStart): a front end with a guessable or missing key does not start.</summary>
public sealed class AuthOptionsValidator(IHostEnvironment environment) : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.Issuer) || string.IsNullOrEmpty(options.Audience))
        {
            failures.Add("Auth:Issuer and Auth:Audience are required.");
        }

        if (Encoding.UTF8.GetByteCount(options.SigningKey) < AuthOptions.MinimumSigningKeyBytes)
        {
            failures.Add($"Auth:SigningKey must be set to at least {AuthOptions.MinimumSigningKeyBytes} bytes (every front end of a deployment shares it).");
        }
        else if (!environment.IsDevelopment() && string.Equals(options.SigningKey, AuthOptions.CommittedDevelopmentSigningKey, StringComparison.Ordinal))
        {
            failures.Add($"Auth:SigningKey is the development key committed in appsettings.Development.json, which anyone can sign tokens with; "
                + $"outside Development set a secret key of your own (environment {environment.EnvironmentName}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
