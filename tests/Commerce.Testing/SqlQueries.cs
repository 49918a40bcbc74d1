using System.Globalization;
using Npgsql;

namespace Commerce.Testing;

/// <summary>One-value reads that tests check the tables with, parameters positional ($1, $2…).</summary>
public static class SqlQueries
{
    public static async Task<long> ScalarAsync(this NpgsqlDataSource database, string sql, params object[] parameters)
        => Convert.ToInt64(await ReadAsync(database, sql, parameters), CultureInfo.InvariantCulture);

    public static async Task<string?> TextAsync(this NpgsqlDataSource database, string sql, params object[] parameters)
        => await ReadAsync(database, sql, parameters) as string;

    private static async Task<object?> ReadAsync(NpgsqlDataSource database, string sql, object[] parameters)
    {
        await using var command = database.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return await command.ExecuteScalarAsync();
    }
}
