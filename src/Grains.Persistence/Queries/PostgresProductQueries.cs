using Npgsql;

namespace Grains.Persistence.Queries;

/// <summary>
/// Product pages in one statement: keyset on (sort key, id) so a deep page costs what the first does, filters in
/// SQL, only the listed columns.
/// </summary>
public sealed class PostgresProductQueries(NpgsqlDataSource dataSource) : IProductQueries
{
    public async Task<ListPage<ProductSummary, ProductPosition>> ListAsync(ProductListRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (column, descending) = request.Sort switch
        {
            ProductSort.Price => ("price", false),
            ProductSort.PriceDescending => ("price", true),
            _ => ("name", false),
        };
        await using var statement = new ListStatement(dataSource, "SELECT id, name, price, available, version FROM products");
        if (request.Search is { } search)
        {
            statement.Where("name ILIKE {0}", $"%{EscapeLike(search)}%");
        }

        if (request.After is { } after)
        {
            statement.Where($"({column}, id) {(descending ? "<" : ">")} ({{0}}, {{1}})", column == "price" ? after.Price : after.Name, after.Id);
        }

        var direction = descending ? "DESC" : "ASC";
        return await statement.ReadPageAsync(
            $"{column} {direction}, id {direction}",
            request.Limit,
            row => new ProductSummary(row.GetString(0), row.GetString(1), row.GetInt64(2), row.GetInt32(3), row.GetInt64(4)),
            last => new ProductPosition(last.Name, last.Price, last.Id),
            cancellationToken).ConfigureAwait(false);
    }

    private static string EscapeLike(string text)
        => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
