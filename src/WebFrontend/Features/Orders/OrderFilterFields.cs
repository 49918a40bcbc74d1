using System.Globalization;
using Grains.Orders;
using WebFrontend.Http;

namespace WebFrontend.Features.Orders;

/// <summary>
/// The order list's filters, read from text alike wherever they come from (the list's query, an export's body): the
/// same checks and the same messages, so a filter the list accepts an export accepts too.
/// </summary>
public static class OrderFilterFields
{
    public static OrderStatus? Status(string? text, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (text is null)
        {
            return null;
        }

        if (OrderStatusNames.TryParse(text, out var status))
        {
            return status;
        }

        errors.Add("status", $"Must be one of {string.Join(", ", Enum.GetValues<OrderStatus>().Select(OrderStatusNames.Of))}.");
        return null;
    }

    public static string? CustomerId(string? text, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (text is not null && !FieldErrors.IsIdentifier(text))
        {
            errors.Add("customer_id", "Must be 1 to 64 letters, digits, '-' or '_'.");
        }

        return text;
    }

    /// <summary>An RFC 3339 timestamp with an offset, as UTC.</summary>
    public static DateTimeOffset? Timestamp(string name, string? text, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (text is null)
        {
            return null;
        }

        if (Rfc3339.Timestamp().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var timestamp))
        {
            return timestamp.ToUniversalTime();
        }

        errors.Add(name, "Must be an RFC 3339 timestamp with an offset, such as 2026-01-31T23:59:59Z.");
        return null;
    }

    /// <summary><c>created_to</c> (exclusive) after <c>created_from</c> when both are given.</summary>
    public static void Window(DateTimeOffset? from, DateTimeOffset? to, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (from is not null && to is not null && from >= to)
        {
            errors.Add("created_to", "Must be after created_from.");
        }
    }
}
