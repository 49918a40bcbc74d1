using System.Text.Json;

namespace Commerce.Testing;

/// <summary>One line of the worker's JSON console log, as far as tests read it.</summary>
public sealed record WorkerLogEntry(string Category, int EventId, string Level, string Message)
{
    /// <summary>The string values of the line's scopes by key (the span's <c>TraceId</c>, <c>SpanId</c>, <c>ParentId</c>, the event's id).</summary>
    public IReadOnlyDictionary<string, string> Scopes { get; init; } = new Dictionary<string, string>();

    /// <summary>The trace the line was written in, or null outside any span.</summary>
    public string? TraceId => Scopes.GetValueOrDefault("TraceId");

    /// <summary>The entry a line holds, or null for a line that is not a JSON log entry (a start-up message on stderr).</summary>
    public static WorkerLogEntry? Parse(string line)
    {
        if (!line.StartsWith('{'))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            return new WorkerLogEntry(
                root.TryGetProperty("Category", out var category) ? category.GetString() ?? "" : "",
                root.TryGetProperty("EventId", out var id) && id.ValueKind == JsonValueKind.Number ? id.GetInt32() : 0,
                root.TryGetProperty("LogLevel", out var level) ? level.GetString() ?? "" : "",
                root.TryGetProperty("Message", out var message) ? message.GetString() ?? "" : "")
            {
                Scopes = ScopesOf(root),
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public bool IsFrom<T>(int eventId) => Category == typeof(T).FullName && EventId == eventId;

    /// <summary>
    /// The console's JSON writes each scope that is a list of pairs as an object of them (plus its text as "Message"),
    /// and any other scope as a string: the pairs' string values, the first scope's winning.
    /// </summary>
    private static Dictionary<string, string> ScopesOf(JsonElement root)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!root.TryGetProperty("Scopes", out var scopes) || scopes.ValueKind != JsonValueKind.Array)
        {
            return values;
        }

        foreach (var scope in scopes.EnumerateArray().Where(scope => scope.ValueKind == JsonValueKind.Object))
        {
            foreach (var pair in scope.EnumerateObject().Where(pair => pair.Name != "Message" && pair.Value.ValueKind == JsonValueKind.String))
            {
                values.TryAdd(pair.Name, pair.Value.GetString()!);
            }
        }

        return values;
    }
}
