using Grains.Persistence.Schema;
using Grains.Persistence.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Commerce.Testing;

namespace Grains.Persistence.Tests.Migrations;

/// <summary>
/// The migrator applies what is missing, once, in one transaction under an advisory lock: silos starting together
/// on an empty database all succeed, and a broken migration leaves nothing behind.
/// </summary>
public sealed class MigrationTests
{
    internal static readonly string[] ProductMigrations = ["0001_orleans", "0002_commerce", "0003_payments", "0004_bounded_state", "0005_flash_sales", "0006_outbox_relay", "0007_uploads"];

    /// <summary>Every query Orleans' clustering, reminder and storage providers read at start.</summary>
    private static readonly string[] OrleansQueryKeys =
    [
        "CleanupDefunctSiloEntriesKey", "ClearStorageKey", "DeleteMembershipTableEntriesKey", "DeleteReminderRowKey", "DeleteReminderRowsKey",
        "DeleteStorageKey", "GatewaysQueryKey", "InsertMembershipKey", "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey",
        "ReadFromStorageKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "ReadReminderRowKey", "ReadReminderRowsKey", "UpdateIAmAlivetimeKey",
        "UpdateMembershipKey", "UpsertReminderRowKey", "WriteToStorageKey",
    ];

    [Fact]
    public async Task An_empty_database_gets_every_migration_once_recorded_in_order_with_Orleans_queries_in_place()
    {
        await using var database = NpgsqlDataSource.Create(await SharedPostgres.CreateDatabaseAsync());

        var applied = await Migrator(database).MigrateAsync();

        Assert.Equal(ProductMigrations, applied);
        Assert.Equal(ProductMigrations, await RecordedAsync(database));
        Assert.Equal(OrleansQueryKeys, await database.ColumnAsync<string>("SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey COLLATE \"C\""));
    }

    [Fact]
    public async Task Migrating_a_migrated_database_again_applies_nothing_and_changes_no_record()
    {
        await using var database = NpgsqlDataSource.Create(await SharedPostgres.CreateDatabaseAsync());
        await Migrator(database).MigrateAsync();
        var recordedBefore = await database.RowsAsync("SELECT id, applied_at FROM schema_migrations ORDER BY id");

        var applied = await Migrator(database).MigrateAsync();

        Assert.Empty(applied);
        Assert.Equal(recordedBefore, await database.RowsAsync("SELECT id, applied_at FROM schema_migrations ORDER BY id"));
    }

    /// <summary>Whatever the database's default isolation, the migrator reads under READ COMMITTED after the lock.</summary>
    [Theory]
    [InlineData("read committed")]
    [InlineData("serializable")]
    public async Task Migrators_racing_on_an_empty_database_all_succeed_and_apply_each_migration_exactly_once(string defaultIsolation)
    {
        var connectionString = await SharedPostgres.CreateDatabaseAsync();
        await using (var setup = NpgsqlDataSource.Create(connectionString))
        {
            await setup.ExecuteAsync($"ALTER DATABASE \"{new NpgsqlConnectionStringBuilder(connectionString).Database}\" SET default_transaction_isolation = '{defaultIsolation}'");
        }

        // One data source each, as separate silo processes would have: separate pools, separate sessions.
        var databases = Enumerable.Range(0, 3).Select(_ => NpgsqlDataSource.Create(connectionString)).ToList();
        try
        {
            var runs = await Task.WhenAll(databases.Select(database => Migrator(database).MigrateAsync()));

            Assert.Equal(ProductMigrations, runs.SelectMany(applied => applied).Order(StringComparer.Ordinal));
            Assert.Single(runs, applied => applied.Count > 0);
            Assert.Equal(ProductMigrations, await RecordedAsync(databases[0]));
        }
        finally
        {
            foreach (var database in databases)
            {
                await database.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_failing_migration_leaves_nothing_of_its_run_applied_or_recorded_and_keeps_what_earlier_runs_applied()
    {
        await using var database = NpgsqlDataSource.Create(await SharedPostgres.CreateDatabaseAsync());
        await Migrator(database).MigrateAsync([new Migration("0001_first", "CREATE TABLE first_table (id int)")]);
        Migration[] next = [new Migration("0001_first", "CREATE TABLE first_table (id int)"), new Migration("0002_fine", "CREATE TABLE fine_table (id int)"), new Migration("0003_broken", "CREATE TABLE broken_table (id nosuchtype)")];

        await Assert.ThrowsAsync<PostgresException>(() => Migrator(database).MigrateAsync(next));

        Assert.Equal(["0001_first"], await RecordedAsync(database));
        Assert.Equal([true, false, false], await database.ColumnAsync<bool>(
            "SELECT to_regclass(name) IS NOT NULL FROM unnest(ARRAY['first_table', 'fine_table', 'broken_table']) WITH ORDINALITY AS t(name, position) ORDER BY position"));
    }

    private static SchemaMigrator Migrator(NpgsqlDataSource database) => new(database, NullLogger<SchemaMigrator>.Instance);

    private static Task<List<string>> RecordedAsync(NpgsqlDataSource database) => database.ColumnAsync<string>("SELECT id FROM schema_migrations ORDER BY id");
}
