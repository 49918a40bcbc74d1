using System.Globalization;

namespace Payments.VnPay;

/// <summary>Converts between amounts in the currency's unit and VNPay's <c>vnp_Amount</c> (times 100).</summary>
public static class VnPayAmount
{
    public static string ToText(long amount) => checked(amount * VnPayProtocol.AmountMultiplier).ToString(CultureInfo.InvariantCulture);

    /// <summary>The amount a <c>vnp_Amount</c> stands for; null if it is not a whole, non-negative amount.</summary>
    public static long? Parse(string? text)
        => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var raw) && raw % VnPayProtocol.AmountMultiplier == 0
            ? raw / VnPayProtocol.AmountMultiplier
            : null;
}
