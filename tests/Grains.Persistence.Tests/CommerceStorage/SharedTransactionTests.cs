using Grains.Persistence.Storage;
using Grains.Persistence.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using Npgsql;
using System.Diagnostics.Metrics;

namespace Grains.Persistence.Tests.CommerceStorage;

/// <summary>
/// Writes of different grains that queue while the silo's one transaction is busy (here: blocked on a row this test
/// locks) leave together in the next one; each is answered with its own outcome, and a conflict among them fails that
/// write alone.
/// </summary>
[Collection(SharedSilo.Name)]
public sealed class SharedTransactionTests(SiloOnFreshDatabase silo) : IAsyncLifetime
{
    private const int Queued = 50;

    private readonly IMeterFactory _meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
    private readonly string _table = $"shared_writes_{Guid.NewGuid():N}";
    private SharedTransactionWriter _writer = null!;

    public async Task InitializeAsync()
    {
        _writer = new SharedTransactionWriter(silo.Database, Options.Create(new CommerceStorageOptions { MaxConcurrentTransactions = 1 }), new StorageWriteMetrics(_meters));
        await silo.Database.ExecuteAsync($"CREATE TABLE {_table} (id integer PRIMARY KEY, value integer NOT NULL, etag bigint NOT NULL)");
        await silo.Database.ExecuteAsync($"INSERT INTO {_table} SELECT i, 0, 1 FROM generate_series(0, {Queued + 1}) AS i");
    }

    public Task DisposeAsync() => silo.Database.ExecuteAsync($"DROP TABLE {_table}");

    [Fact]
    public async Task Writes_queued_behind_a_busy_transaction_commit_together_and_each_is_answered()
    {
        using var perTransaction = new MetricCollector<int>(_meters, StorageWriteMetrics.MeterName, StorageWriteMetrics.WritesPerTransactionName);

        var outcomes = await WriteBehindALockAsync(stale: null);

        Assert.All(outcomes, Assert.True);
        Assert.Equal(Queued + 1, perTransaction.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.InRange(perTransaction.GetMeasurementSnapshot().Count, 1, 2);
        Assert.Equal(Queued + 1, await silo.Database.ScalarAsync<long>($"SELECT count(*) FROM {_table} WHERE value = id + 1000 AND etag = 2"));
    }

    [Fact]
    public async Task A_conflict_among_shared_writes_fails_that_write_alone()
    {
        using var rollbacks = new MetricCollector<long>(_meters, StorageWriteMetrics.MeterName, StorageWriteMetrics.SharedRollbacksName);

        var outcomes = await WriteBehindALockAsync(stale: Queued + 1);

        Assert.Equal([.. Enumerable.Repeat(true, Queued + 1), false], outcomes);
        Assert.Equal(1, rollbacks.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(Queued + 1, await silo.Database.ScalarAsync<long>($"SELECT count(*) FROM {_table} WHERE value = id + 1000 AND etag = 2"));
        Assert.Equal(0, await silo.Database.ScalarAsync<int>($"SELECT value FROM {_table} WHERE id = $1", Queued + 1));
    }

    /// <summary>
    /// Row 0's write goes first and waits on this test's lock, so every other write queues behind it; then the lock
    /// goes. Each write sets its row's value to id + 1000 under ETag 1 (<paramref name="stale"/>'s under a wrong one).
    /// </summary>
    private async Task<bool[]> WriteBehindALockAsync(int? stale)
    {
        await using var connection = await silo.Database.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand($"SELECT 1 FROM {_table} WHERE id = 0 FOR UPDATE", connection, transaction))
        {
            await lockRow.ExecuteScalarAsync();
        }

        var rows = Enumerable.Range(0, stale is null ? Queued + 1 : Queued + 2);
        var writes = rows.Select(id => Write(id, etag: id == stale ? 99 : 1)).ToList();
        await transaction.CommitAsync();
        return await Task.WhenAll(writes);
    }

    private Task<bool> Write(int id, long etag)
    {
        var command = new NpgsqlBatchCommand($"UPDATE {_table} SET value = $2, etag = etag + 1 WHERE id = $1 AND etag = $3");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = id + 1000 });
        command.Parameters.Add(new NpgsqlParameter { Value = etag });
        return _writer.WriteAsync([command], command, CancellationToken.None);
    }
}
