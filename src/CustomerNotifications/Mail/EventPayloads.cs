using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using IntegrationEvents;

namespace CustomerNotifications.Mail;

/// <summary>
/// An event's payload, read and checked before anything is written to a mail: a field missing, too long or holding
/// control characters makes the event one that can never be handled (<see cref="FormatException"/>), not a mail with
/// a broken header.
/// </summary>
internal static class EventPayloads
{
    private const int MaxFieldLength = 200;

    public static T Read<T>(IntegrationEvent @event, JsonTypeInfo<T> type) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(@event.Payload, type) ?? throw new FormatException($"The {@event.Type} event's payload is null.");
        }
        catch (JsonException exception)
        {
            throw new FormatException($"The {@event.Type} event's payload is not its JSON: {exception.Message}", exception);
        }
    }

    /// <summary><paramref name="value"/> if it is 1 to 200 characters with no control character.</summary>
    public static string Text(string? value, string field)
        => value is { Length: > 0 and <= MaxFieldLength } && !value.Any(char.IsControl)
            ? value
            : throw new FormatException($"The payload's {field} is missing, longer than {MaxFieldLength} characters or has control characters.");

    public static string? OptionalText(string? value, string field) => value is null ? null : Text(value, field);

    /// <summary>An amount in the currency's units, as the API shows it: <c>23,391,000 VND</c>.</summary>
    public static string Amount(long amount, string? currency, string field)
    {
        if (amount < 0)
        {
            throw new FormatException($"The payload's {field} is negative.");
        }

        if (currency is not { Length: 3 } || !currency.All(char.IsAsciiLetterUpper))
        {
            throw new FormatException("The payload's currency is not a three-letter code.");
        }

        return $"{amount.ToString("N0", CultureInfo.InvariantCulture)} {currency}";
    }

    /// <summary>A time as mails show it; a missing one (the JSON had none) is no time at all.</summary>
    public static string Time(DateTimeOffset time, string field)
        => time == default
            ? throw new FormatException($"The payload's {field} is missing.")
            : time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
