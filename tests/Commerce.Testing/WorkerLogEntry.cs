using System.Text.Json;

namespace Commerce.Testing;

/// <summary>One line of the worker's JSON console log, as far as tests read it.</summary>
public sealed record WorkerLogEntry(string Category, int EventId, string Level, string Message)
{
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
                root.TryGetProperty("Message", out var message) ? message.GetString() ?? "" : "");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public bool IsFrom<T>(int eventId) => Category == typeof(T).FullName && EventId == eventId;
}
