using CsvHelper;
using Grains.Orders;

namespace Grains.Exports;

/// <summary>
/// The file's format: RFC 4180 (CRLF, quotes where needed), UTF-8 without a byte order mark, a header line, one line
/// per order, amounts in whole units of the currency, times in ISO 8601 UTC. Text that a spreadsheet would run as a
/// formula (a customer's name starting with '=', say) is written with a leading apostrophe (CSV injection).
/// </summary>
internal static class OrderCsv
{
    public static readonly string[] Header = ["id", "customer_id", "customer_name", "status", "total", "currency", "item_count", "created_at"];

    private static readonly CsvWriterOptions s_options = new() { Injection = CsvInjection.Escape };

    public static CsvWriter Create(Stream destination) => CsvWriter.Create(destination, s_options, leaveOpen: true);

    public static void WriteHeader(CsvWriter csv) => csv.WriteHeader(Header);

    public static void Write(CsvWriter csv, OrderExportRow row)
    {
        csv.WriteField(row.Id);
        csv.WriteField(row.CustomerId);
        csv.WriteField(row.CustomerName);
        csv.WriteField(OrderStatusNames.Of(row.Status));
        csv.WriteField(row.Total, default);
        csv.WriteField(row.Currency);
        csv.WriteField(row.ItemCount, default);
        csv.WriteField(row.CreatedAt.ToUniversalTime(), "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'");
        csv.EndRecord();
    }
}
