using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>
/// VNPay's checksum rules written out again from VNPay's documentation, independently of <c>Payments.VnPay</c>, so
/// that tests compare the production code with the spec rather than with itself. Query-string messages (pay URL, IPN,
/// return URL): every <c>vnp_</c> parameter but the hash fields, empty values skipped, sorted by name (ordinal), each
/// encoded as PHP's <c>urlencode</c> does, joined as <c>k=v&amp;…</c>. querydr messages: field values joined by
/// <c>|</c> in the documented order. Both: hex HMAC-SHA512 with the merchant's secret.
/// </summary>
public static class ReferenceVnPayChecksum
{
    /// <summary>The querydr request's signed fields, in the documented order.</summary>
    public static readonly IReadOnlyList<string> QueryRequestFields =
    [
        "vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef", "vnp_TransactionDate", "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo",
    ];

    /// <summary>The querydr response's signed fields, in the documented order.</summary>
    public static readonly IReadOnlyList<string> QueryResponseFields =
    [
        "vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode", "vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate",
        "vnp_TransactionNo", "vnp_TransactionType", "vnp_TransactionStatus", "vnp_OrderInfo", "vnp_PromotionCode", "vnp_PromotionAmount",
    ];

    public static string HmacSha512Hex(string secret, string data)
    {
        using var hmac = new HMACSHA512(Encoding.UTF8.GetBytes(secret));
        var hash = hmac.ComputeHash(Encoding.UTF8.GetBytes(data));
        var hex = new StringBuilder(hash.Length * 2);
        foreach (var b in hash)
        {
            hex.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }

        return hex.ToString();
    }

    /// <summary>PHP's <c>urlencode</c>: ASCII letters, digits and <c>-_.</c> kept, space as <c>+</c>, every other UTF-8 byte as <c>%XX</c>.</summary>
    public static string PhpUrlEncode(string text)
    {
        var encoded = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.')
            {
                encoded.Append(c);
            }
            else if (c == ' ')
            {
                encoded.Append('+');
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }

    /// <summary>The signed data of a query-string message, as described above.</summary>
    public static string QueryStringData(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var signed = parameters
            .Where(p => p.Key.StartsWith("vnp_", StringComparison.Ordinal) && p.Key is not ("vnp_SecureHash" or "vnp_SecureHashType") && p.Value.Length > 0)
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => PhpUrlEncode(p.Key) + "=" + PhpUrlEncode(p.Value));
        return string.Join("&", signed);
    }

    public static string QueryStringHash(string secret, IEnumerable<KeyValuePair<string, string>> parameters)
        => HmacSha512Hex(secret, QueryStringData(parameters));

    /// <summary>A pay URL as VNPay's PHP sample builds one: the signed data is the query string, then the hash.</summary>
    public static string SignedUrl(string baseUrl, string secret, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var data = QueryStringData(parameters);
        return baseUrl + "?" + data + "&vnp_SecureHash=" + HmacSha512Hex(secret, data);
    }

    /// <summary>The data of a querydr message: the fields' values in <paramref name="order"/>, a missing or null one as empty.</summary>
    public static string PipedData(IReadOnlyList<string> order, Func<string, string?> valueOf)
        => string.Join("|", order.Select(name => valueOf(name) ?? ""));

    public static string QueryRequestHash(string secret, Func<string, string?> valueOf) => HmacSha512Hex(secret, PipedData(QueryRequestFields, valueOf));

    public static string QueryResponseHash(string secret, Func<string, string?> valueOf) => HmacSha512Hex(secret, PipedData(QueryResponseFields, valueOf));

    /// <summary>A raw query string's parameters, decoded as PHP's <c>urldecode</c> does (<c>+</c> is a space, <c>%XX</c> a UTF-8 byte).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ParseQueryString(string query)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? part : part[..equals];
            var value = equals < 0 ? "" : part[(equals + 1)..];
            pairs.Add(new(PhpUrlDecode(key), PhpUrlDecode(value)));
        }

        return pairs;
    }

    private static string PhpUrlDecode(string text)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '+')
            {
                bytes.Add((byte)' ');
            }
            else if (text[i] == '%' && i + 2 < text.Length && byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
