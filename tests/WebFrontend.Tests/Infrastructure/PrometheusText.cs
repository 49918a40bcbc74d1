using System.Globalization;
using System.Text.RegularExpressions;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>A scrape in Prometheus' text exposition format, read as samples, for exact assertions on one series.</summary>
public sealed partial class PrometheusText
{
    private readonly List<Sample> _samples;

    private PrometheusText(List<Sample> samples) => _samples = samples;

    public static PrometheusText Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var braces = line.IndexOf('{', StringComparison.Ordinal);
            var nameEnd = braces >= 0 ? braces : line.IndexOf(' ', StringComparison.Ordinal);
            var labelsEnd = braces >= 0 ? line.LastIndexOf('}') : nameEnd;
            var labels = braces >= 0
                ? LabelPattern().Matches(line[(braces + 1)..labelsEnd]).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal)
                : [];

            // The value, then an optional timestamp.
            var value = line[(labelsEnd + 1)..].Trim().Split(' ')[0];
            samples.Add(new Sample(line[..nameEnd], labels, double.Parse(value, CultureInfo.InvariantCulture)));
        }

        return new PrometheusText(samples);
    }

    /// <summary>The value of the one series named <paramref name="name"/> that has these labels (others may be on it too); null if none.</summary>
    public double? Value(string name, params (string Label, string Value)[] labels)
    {
        var matching = _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value)).ToList();
        return matching.Count switch
        {
            0 => null,
            1 => matching[0].Value,
            _ => throw new InvalidOperationException($"{matching.Count} series of {name} have the labels {string.Join(", ", labels)}."),
        };
    }

    [GeneratedRegex(@"(\w+)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPattern();

    private sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}
