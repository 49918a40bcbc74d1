using System.Buffers;

namespace WebFrontend.Http;

/// <summary>Collects validation messages per field (snake_case names, as the client sent them) for one 400 answer.</summary>
public sealed class FieldErrors
{
    private static readonly SearchValues<char> s_identifierChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
    }

    public T? Required<T>(string field, T? value) where T : class
    {
        if (value is null)
        {
            Add(field, "Required.");
        }

        return value;
    }

    public T? Required<T>(string field, T? value) where T : struct
    {
        if (value is null)
        {
            Add(field, "Required.");
        }

        return value;
    }

    public void Range(string field, long? value, long min, long max)
    {
        if (Required(field, value) is { } present && (present < min || present > max))
        {
            Add(field, $"Must be between {min} and {max}.");
        }
    }

    /// <summary>Trimmed text of 1 to <paramref name="maxLength"/> characters without control characters.</summary>
    public void Text(string field, string? value, int maxLength)
    {
        if (Required(field, value) is not { } text)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(text) || text.Length > maxLength || text.Any(char.IsControl) || text != text.Trim())
        {
            Add(field, $"Must be 1 to {maxLength} characters of text, without surrounding spaces.");
        }
    }

    /// <summary>An id: 1 to 64 of letters, digits, '-' and '_'.</summary>
    public void Identifier(string field, string? value)
    {
        if (Required(field, value) is { } id && !IsIdentifier(id))
        {
            Add(field, "Must be 1 to 64 letters, digits, '-' or '_'.");
        }
    }

    public static bool IsIdentifier(string? id) => id is { Length: > 0 and <= 64 } && !id.AsSpan().ContainsAnyExcept(s_identifierChars);

    public IDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);
}
