using System.Globalization;

namespace Payments.VnPay;

/// <summary>VNPay's timestamps: <c>yyyyMMddHHmmss</c> in Vietnam's time (GMT+7, no daylight saving).</summary>
public static class VnPayTime
{
    private const string Format = "yyyyMMddHHmmss";
    private static readonly TimeSpan s_vietnam = TimeSpan.FromHours(7);

    public static string ToText(DateTimeOffset time) => time.ToOffset(s_vietnam).ToString(Format, CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out DateTimeOffset time)
    {
        if (DateTime.TryParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            time = new DateTimeOffset(local, s_vietnam);
            return true;
        }

        time = default;
        return false;
    }
}
