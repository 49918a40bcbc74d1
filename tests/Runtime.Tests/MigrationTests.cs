using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Runtime.Schema;
using Runtime.Tests.Infrastructure;
using Runtime.TestingHost;

namespace Runtime.Tests;

public sealed class MigrationTests
{
    private static readonly string[] RuntimeMigrationIds = ["runtime/0001_grain_state", "runtime/0002_reminders", "runtime/0003_cluster"];

    [Fact]
    public async Task Migrations_apply_once_and_a_second_run_changes_nothing()
    {
        await using var dataSource = NpgsqlDataSource.Create(await SharedPostgres.CreateDatabaseAsync());
        var migrator = Migrator(dataSource);

        var first = await migrator.MigrateAsync(CancellationToken.None);
        var second = await migrator.MigrateAsync(CancellationToken.None);

        Assert.Equal(RuntimeMigrationIds, first);
        Assert.Empty(second);
        Assert.Equal(first, await AppliedAsync(dataSource));
    }

    [Theory]
    [InlineData("read committed")]
    [InlineData("serializable")]
    public async Task Silos_migrating_an_empty_database_at_the_same_time_apply_each_migration_exactly_once(string defaultIsolation)
    {
        var connectionString = await SharedPostgres.CreateDatabaseAsync();
        await using (var setup = NpgsqlDataSource.Create(connectionString))
        await using (var command = setup.CreateCommand($"ALTER DATABASE \"{new NpgsqlConnectionStringBuilder(connectionString).Database}\" SET default_transaction_isolation = '{defaultIsolation}'"))
        {
            await command.ExecuteNonQueryAsync();
        }

        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Migrator(dataSource).MigrateAsync(CancellationToken.None))));

        Assert.Equal(RuntimeMigrationIds, runs.SelectMany(r => r).Order());
        Assert.Equal(RuntimeMigrationIds, await AppliedAsync(dataSource));
    }

    [Fact]
    public async Task A_failing_migration_leaves_nothing_applied()
    {
        await using var dataSource = NpgsqlDataSource.Create(await SharedPostgres.CreateDatabaseAsync());
        var broken = new MigrationSet("app", [new Migration("app/0001_ok", "CREATE TABLE ok (id int)"), new Migration("app/0002_broken", "CREATE TABLE")]);

        await Assert.ThrowsAsync<PostgresException>(() => Migrator(dataSource, broken).MigrateAsync(CancellationToken.None));

        await using var command = dataSource.CreateCommand("SELECT to_regclass('schema_migrations') IS NULL AND to_regclass('grain_state') IS NULL AND to_regclass('ok') IS NULL");
        Assert.True((bool)(await command.ExecuteScalarAsync())!);
    }

    private static SchemaMigrator Migrator(NpgsqlDataSource dataSource, params MigrationSet[] more)
        => new(dataSource, [MigrationSet.Runtime, .. more], NullLogger<SchemaMigrator>.Instance);

    private static async Task<List<string>> AppliedAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT id FROM schema_migrations ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
