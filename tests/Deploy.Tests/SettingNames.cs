using System.Text.RegularExpressions;
using Commerce.Testing;

namespace Deploy.Tests;

/// <summary>
/// The environment variables our processes read, as documented: the README's "Configuration" section (silos, front
/// ends, business, payment and event settings, the notifications worker, OpenTelemetry, and the hosts' own
/// ASPNETCORE_*/DOTNET_* variables) and the gateway
/// simulator's configuration table in docs/payment-gateway.md. A deploy file setting anything else is most likely
/// a typo, which the process would silently ignore.
/// </summary>
public static partial class SettingNames
{
    /// <summary>
    /// Settings of parts being written beside the deploy files and not yet in the README's configuration section, each
    /// to go once its row is there. None now: the notifications worker, the silos' broker and outbox, and
    /// OpenTelemetry are all documented, so every name a deploy file sets is checked against the README.
    /// </summary>
    public static readonly IReadOnlySet<string> Pending = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Documented, and documented as never to be set (README: it makes ASP.NET Core believe every peer).</summary>
    public static readonly IReadOnlySet<string> Forbidden = new HashSet<string>(StringComparer.Ordinal) { "ASPNETCORE_FORWARDEDHEADERS_ENABLED" };

    private static readonly Lazy<IReadOnlySet<string>> DocumentedNames = new(ReadDocumented);

    /// <summary>The documented names, list indexes (<c>__0</c>, <c>__1</c>, …) written as <c>__#</c>.</summary>
    public static IReadOnlySet<string> Documented => DocumentedNames.Value;

    /// <summary>Whether a deploy file may set <paramref name="name"/>: documented (any list index) or pending, not forbidden.</summary>
    public static bool IsKnown(string name) =>
        !Forbidden.Contains(name) && (Documented.Contains(Normalize(name)) || Pending.Contains(name));

    /// <summary>The names in backticks of a Markdown text: <c>A__B</c> (configuration keys as environment variables),
    /// <c>ALL_CAPS</c> (the hosts' own variables), and <c>…__C</c>, short for the previous name with its last part
    /// replaced (<c>`RateLimits__Orders__Burst`, `…__Period`</c>).</summary>
    public static IEnumerable<string> NamesInBackticks(string markdown)
    {
        string? previous = null;
        foreach (Match span in Backticked().Matches(markdown))
        {
            var text = span.Groups[1].Value.Split('=')[0].Trim();
            if (Continuation().Match(text) is { Success: true } continuation && previous is not null)
            {
                previous = previous[..previous.LastIndexOf("__", StringComparison.Ordinal)] + "__" + continuation.Groups[1].Value;
                yield return previous;
            }
            else if (KeyName().IsMatch(text) || HostVariable().IsMatch(text))
            {
                previous = text;
                yield return text;
            }
        }
    }

    /// <summary>The first cells of a Markdown table whose keys are written with ':' (<c>`Merchant:TmnCode`</c>), as variables.</summary>
    public static IEnumerable<string> TableKeys(string markdown) => TableKey().Matches(markdown)
        .Select(match => match.Groups[1].Value.Replace(":", "__", StringComparison.Ordinal));

    public static string Normalize(string name) => ListIndex().Replace(name, "__#");

    /// <summary>The text from a "## heading" line to the next "## " heading.</summary>
    public static string Section(string markdown, string heading)
    {
        var start = markdown.IndexOf("\n## " + heading + "\n", StringComparison.Ordinal);
        if (start < 0)
        {
            throw new InvalidDataException($"No section \"## {heading}\".");
        }

        var end = markdown.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return end < 0 ? markdown[start..] : markdown[start..end];
    }

    private static HashSet<string> ReadDocumented()
    {
        var readme = File.ReadAllText(Path.Combine(BuiltProject.RepositoryRoot, "README.md"));
        var simulator = File.ReadAllText(Path.Combine(BuiltProject.RepositoryRoot, "docs", "payment-gateway.md"));
        return NamesInBackticks(Section(readme, "Configuration"))
            .Concat(TableKeys(Section(simulator, "Configuration")))
            .Select(Normalize)
            .ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex("`([^`\n]+)`")]
    private static partial Regex Backticked();

    [GeneratedRegex(@"^(?:…|\.\.\.)__([A-Za-z0-9]+)$")]
    private static partial Regex Continuation();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]*(?:__[A-Za-z0-9]+)+$")]
    private static partial Regex KeyName();

    [GeneratedRegex("^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")]
    private static partial Regex HostVariable();

    [GeneratedRegex(@"^\| `([A-Za-z][A-Za-z0-9]*(?::[A-Za-z0-9]+)*)` \|", RegexOptions.Multiline)]
    private static partial Regex TableKey();

    [GeneratedRegex(@"__\d+(?=__|$)")]
    private static partial Regex ListIndex();
}
