using System.Globalization;

namespace WebFrontend.Http;

/// <summary>What every list shares: <c>limit</c> (default 20, 1 to 100).</summary>
public static class ListQuery
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public static int Limit(IQueryCollection query, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(errors);
        if (!query.TryGetValue("limit", out var text))
        {
            return DefaultLimit;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= MaxLimit)
        {
            return limit;
        }

        errors.Add("limit", $"Must be an integer from 1 to {MaxLimit}.");
        return DefaultLimit;
    }
}
