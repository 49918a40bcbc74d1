using System.Diagnostics.CodeAnalysis;

namespace PaymentGateway.Merchant;

/// <summary>Absolute http(s) URLs: the only kind a gateway can redirect a shopper to or call back.</summary>
public static class HttpUrl
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out Uri? url)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps))
        {
            url = parsed;
            return true;
        }

        url = null;
        return false;
    }

    /// <summary><paramref name="baseUrl"/> with <paramref name="query"/> appended, after any query it already has.</summary>
    public static string WithQuery(string baseUrl, string query)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var fragment = baseUrl.IndexOf('#', StringComparison.Ordinal);
        var withoutFragment = fragment < 0 ? baseUrl : baseUrl[..fragment];
        var separator = withoutFragment.Contains('?', StringComparison.Ordinal) ? (withoutFragment.EndsWith('?') || withoutFragment.EndsWith('&') ? "" : "&") : "?";
        return withoutFragment + separator + query;
    }
}
