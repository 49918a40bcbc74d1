using System.Globalization;
using System.Text;
using Npgsql;

namespace Grains.Persistence.Queries;

/// <summary>
/// One list page's statement: a SELECT, the filters that were given (each with its own positional parameters, so
/// every combination is its own preparable statement with an index-friendly plan), the keyset order, and a limit of
/// one row more than the page (<see cref="Paging"/>).
/// </summary>
internal sealed class ListStatement(NpgsqlDataSource dataSource, string select) : IAsyncDisposable
{
    private readonly NpgsqlCommand _command = dataSource.CreateCommand();
    private readonly List<string> _conditions = [];

    /// <summary>Adds a condition whose <c>{0}</c>, <c>{1}</c>… stand for <paramref name="values"/>.</summary>
    public void Where(string condition, params object[] values)
    {
        var names = new object[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            _command.Parameters.Add(new NpgsqlParameter { Value = values[i] });
            names[i] = $"${_command.Parameters.Count}";
        }

        _conditions.Add(string.Format(CultureInfo.InvariantCulture, condition, names));
    }

    public async Task<ListPage<TItem, TPosition>> ReadPageAsync<TItem, TPosition>(
        string orderBy, int limit, Func<NpgsqlDataReader, TItem> read, Func<TItem, TPosition> positionOf, CancellationToken cancellationToken)
        where TPosition : class
    {
        var sql = new StringBuilder(select);
        if (_conditions.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", _conditions);
        }

        _command.Parameters.Add(new NpgsqlParameter { Value = limit + 1 });
        _command.CommandText = sql.Append($" ORDER BY {orderBy} LIMIT ${_command.Parameters.Count}").ToString();
        var items = new List<TItem>(limit + 1);
        await using (var reader = await _command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(read(reader));
            }
        }

        return Paging.Page(items, limit, positionOf);
    }

    public ValueTask DisposeAsync() => _command.DisposeAsync();
}
