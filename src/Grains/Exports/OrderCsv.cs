using CsvHelper;
using Grains.Orders;

namespace Grains.Exports;

/// <summary>
/// The file's format: RFC 4180 (CRLF, quotes where needed), UTF-8 without a byte order mark, a header line, one line
/// per order, amounts in whole units of the currency, times in ISO 8601 UTC. The one free text, the customer's name, is
/// written with a leading apostrophe when a spreadsheet would run it as a formula (starting with '=', say: CSV
/// injection); ids and the other fields are written as they are, since an id may start with '-' and must read back whole.
/// </summary>
internal static class OrderCsv
{
    public static readonly string[] Header = ["id", "customer_id", "customer_name", "status", "total", "currency", "item_count", "created_at"];

    private static readonly CsvWriterOptions s_options = new() { Injection = CsvInjection.None };

    public static CsvWriter Create(Stream destination) => CsvWriter.Create(destination, s_options, leaveOpen: true);

    public static void WriteHeader(CsvWriter csv) => csv.WriteHeader(Header);

    public static void Write(CsvWriter csv, OrderExportRow row)
    {
        csv.WriteField(row.Id);
        csv.WriteField(row.CustomerId);
        csv.WriteField(Text(row.CustomerName));
        csv.WriteField(OrderStatusNames.Of(row.Status));
        csv.WriteField(row.Total, default);
        csv.WriteField(row.Currency);
        csv.WriteField(row.ItemCount, default);
        csv.WriteField(row.CreatedAt.ToUniversalTime(), "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'");
        csv.EndRecord();
    }

    /// <summary>Free text a spreadsheet would take for a formula, with a leading apostrophe; any other text as it is.</summary>
    public static string Text(string value) => value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
}
