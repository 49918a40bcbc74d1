using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Grains.Persistence.Storage;

/// <summary>
/// Runs the typed stores' writes, and lets concurrent writes of different grains share a transaction: while the
/// silo's transactions are in flight, the writes that arrive queue up and leave together in the next one — one round
/// trip and one commit (one WAL flush) for all of them, as a hot grain's group commit does for its own changes. Each
/// write is still answered only once its transaction has committed. A shared transaction in which any write lost its
/// ETag race or broke a constraint is rolled back and its writes run again one by one, each to its own outcome, so one
/// grain's conflict never fails another's write.
/// </summary>
public sealed class SharedTransactionWriter(NpgsqlDataSource dataSource, IOptions<CommerceStorageOptions> options, StorageWriteMetrics metrics)
{
    private readonly ConcurrentQueue<PendingWrite> _queue = new();
    private int _transactionsInFlight;

    public NpgsqlDataSource DataSource => dataSource;

    /// <summary>
    /// Writes <paramref name="commands"/> atomically if <paramref name="guarded"/> (one of them) writes its row; false,
    /// with nothing written, if it does not (another writer's ETag).
    /// </summary>
    public Task<bool> WriteAsync(IReadOnlyList<NpgsqlBatchCommand> commands, NpgsqlBatchCommand guarded, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.ShareTransactions)
        {
            return WriteAloneAsync(commands, guarded, cancellationToken);
        }

        var pending = new PendingWrite(commands, guarded);
        _queue.Enqueue(pending);
        TryStartTransaction(settings);
        return pending.Done.Task;
    }

    private void TryStartTransaction(CommerceStorageOptions settings)
    {
        while (true)
        {
            var inFlight = Volatile.Read(ref _transactionsInFlight);
            if (inFlight >= settings.MaxConcurrentTransactions)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _transactionsInFlight, inFlight + 1, inFlight) == inFlight)
            {
                _ = Task.Run(() => DrainAsync(settings));
                return;
            }
        }
    }

    private async Task DrainAsync(CommerceStorageOptions settings)
    {
        var writes = new List<PendingWrite>(settings.MaxWritesPerTransaction);
        while (true)
        {
            writes.Clear();
            while (writes.Count < settings.MaxWritesPerTransaction && _queue.TryDequeue(out var next))
            {
                writes.Add(next);
            }

            if (writes.Count == 0)
            {
                Interlocked.Decrement(ref _transactionsInFlight);

                // A write queued after the queue looked empty, while every transaction was still counted in flight,
                // started none: make sure someone takes it.
                if (!_queue.IsEmpty)
                {
                    TryStartTransaction(settings);
                }

                return;
            }

            if (writes.Count == 1)
            {
                await CompleteAloneAsync(writes[0]).ConfigureAwait(false);
            }
            else
            {
                await WriteTogetherAsync(writes).ConfigureAwait(false);
            }
        }
    }

    private async Task WriteTogetherAsync(List<PendingWrite> writes)
    {
        bool committed;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var write in writes)
            {
                foreach (var command in write.Commands)
                {
                    batch.BatchCommands.Add(command);
                }
            }

            try
            {
                await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
                committed = writes.TrueForAll(w => w.Guarded.RecordsAffected == 1);
            }
            catch (PostgresException)
            {
                committed = false;
            }

            if (committed)
            {
                await transaction.CommitAsync().ConfigureAwait(false);
            }
            else
            {
                await transaction.RollbackAsync().ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            // The database could not be reached, or the commit's outcome is unknown: every write hears it, as it
            // would have alone.
            writes.ForEach(w => w.Done.TrySetException(exception));
            return;
        }

        if (committed)
        {
            metrics.Committed(writes.Count);
            writes.ForEach(w => w.Done.TrySetResult(true));
            return;
        }

        metrics.RolledBack();
        await Task.WhenAll(writes.Select(w => CompleteAloneAsync(w.Fresh()))).ConfigureAwait(false);
    }

    private async Task CompleteAloneAsync(PendingWrite write)
    {
        try
        {
            write.Done.TrySetResult(await WriteAloneAsync(write.Commands, write.Guarded, CancellationToken.None).ConfigureAwait(false));
        }
        catch (Exception exception)
        {
            write.Done.TrySetException(exception);
        }
    }

    private async Task<bool> WriteAloneAsync(IReadOnlyList<NpgsqlBatchCommand> commands, NpgsqlBatchCommand guarded, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var command in commands)
        {
            batch.BatchCommands.Add(command);
        }

        try
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException) when (guarded.RecordsAffected == 0)
        {
            // The guarded row was not written (another writer's ETag), so a later statement broke on the winner's rows
            // (a duplicate key, a deleted parent): a lost race like any other, not a fault.
        }

        if (guarded.RecordsAffected == 1)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            metrics.Committed(1);
            return true;
        }

        await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
        return false;
    }

    private sealed class PendingWrite(IReadOnlyList<NpgsqlBatchCommand> commands, NpgsqlBatchCommand guarded)
    {
        public IReadOnlyList<NpgsqlBatchCommand> Commands => commands;

        public NpgsqlBatchCommand Guarded => guarded;

        public TaskCompletionSource<bool> Done { get; private init; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The same write with commands no batch has run, answering the same caller.</summary>
        public PendingWrite Fresh()
        {
            var copies = commands.Select(Copy).ToList();
            return new PendingWrite(copies, copies[commands.ToList().IndexOf(guarded)]) { Done = Done };
        }

        private static NpgsqlBatchCommand Copy(NpgsqlBatchCommand command)
        {
            var copy = new NpgsqlBatchCommand(command.CommandText);
            foreach (NpgsqlParameter parameter in command.Parameters)
            {
                copy.Parameters.Add(parameter.Clone());
            }

            return copy;
        }
    }
}
