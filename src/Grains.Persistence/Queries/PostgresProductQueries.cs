using System.Text;
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
        var sql = new StringBuilder("SELECT id, name, price, available, version FROM products");
        await using var command = dataSource.CreateCommand();
        var conditions = new List<string>();
        if (request.Search is { } search)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = $"%{EscapeLike(search)}%" });
            conditions.Add($"name ILIKE ${command.Parameters.Count}");
        }

        if (request.After is { } after)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = column == "price" ? after.Price : after.Name });
            command.Parameters.Add(new NpgsqlParameter { Value = after.Id });
            conditions.Add($"({column}, id) {(descending ? "<" : ">")} (${command.Parameters.Count - 1}, ${command.Parameters.Count})");
        }

        if (conditions.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", conditions);
        }

        var direction = descending ? "DESC" : "ASC";
        command.Parameters.Add(new NpgsqlParameter { Value = request.Limit + 1 });
        sql.Append($" ORDER BY {column} {direction}, id {direction} LIMIT ${command.Parameters.Count}");
        command.CommandText = sql.ToString();

        var items = new List<ProductSummary>(request.Limit + 1);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(new ProductSummary(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt32(3), reader.GetInt64(4)));
            }
        }

        return Paging.Page(items, request.Limit, last => new ProductPosition(last.Name, last.Price, last.Id));
    }

    private static string EscapeLike(string text)
        => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
