using BlobStorage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Grains.Exports;

/// <summary>
/// An export of orders to a CSV file (case C5). <see cref="Start"/> records the job and returns; the rows are written
/// by a loop that runs in the background on the grain's own scheduler, so its steps never overlap the grain's calls
/// and yet a status read or a cancel is answered between two batches, not after the job. The loop waits for one of
/// the silo's slots, counts the rows once, then reads them in keyset batches and gathers their CSV in a part-sized
/// buffer; each full part is written to the blob store and then checkpointed (the cursor, the parts, the rows done),
/// in that order. A job interrupted anywhere — its silo killed, a write lost — carries on from its checkpoint in its
/// next activation, which any call or its reminder brings about: it writes the part after the last checkpointed one
/// again (the store keeps the last write of a part number), from the row after the checkpoint, so the file holds every
/// row exactly once. The reminder is registered before the job is stored and stays until the job has ended and its
/// parts are dropped; the end is always stored before what follows it (dropping the parts, unregistering), which the
/// reminder retries.
/// </summary>
public sealed partial class ExportJobGrain(
    [PersistentState("exportJob")] IPersistentState<ExportJobState> job,
    IOrderExportSource source,
    IBlobStore blobs,
    ExportSlots slots,
    IExportJobFaults faults,
    IOptions<ExportOptions> options,
    ExportMetrics metrics,
    TimeProvider time,
    ILogger<ExportJobGrain> logger) : Grain, IExportJobGrain, IRemindable
{
    private const string ResumeReminder = "resume-export";

    /// <summary>Longer than any batch and part write: the activation outlives its idle collection while the loop runs.</summary>
    private static readonly TimeSpan s_keepAlive = TimeSpan.FromMinutes(10);

    private Task? _run;
    private CancellationTokenSource? _stop;

    /// <summary>Rows in the part being gathered, not yet checkpointed: shown in progress, written again after a crash.</summary>
    private long _rowsGathered;

    /// <summary>A write of the state failed in this activation: storage may not hold what memory does, so nothing more is written.</summary>
    private bool _stateUnsure;

    private ExportJobState State => job.State;

    private string JobId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A job that has not ended was interrupted (its silo died, or this activation was collected): carry on.
        if (State.Exists && !State.Status.HasEnded())
        {
            if (State.Status == ExportJobStatus.Processing)
            {
                State.Resumes++;
                metrics.Resumed();
                LogResuming(logger, JobId, State.RowsDone, State.Parts.Count);
            }

            RunInBackground();
        }

        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The checkpoint stays; the next activation (a call, or the reminder) resumes from it.
        await StopRunningAsync();
    }

    public async Task<ExportStart> Start(StartOrderExport command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (State.Exists)
        {
            // A retry of a start whose answer was lost, or whose loop stopped: the job runs again before the answer.
            if (!State.Status.HasEnded())
            {
                EnsureRunning();
            }

            return new ExportStart(ExportStartStatus.AlreadyExists, View());
        }

        // The reminder before the job: a job stored without one would wait for a call that may never come, while a
        // reminder without a job (the write below failed) unregisters itself at its first tick.
        await this.RegisterOrUpdateReminder(ResumeReminder, options.Value.ResumePeriod, options.Value.ResumePeriod);
        State.Exists = true;
        State.OwnerId = command.OwnerId;
        State.Filter = command.Filter;
        State.Status = ExportJobStatus.Pending;
        State.CreatedAt = time.GetUtcNow();
        await SaveAsync();
        RunInBackground();
        return new ExportStart(ExportStartStatus.Started, View());
    }

    public Task<ExportJobView?> Get() => Task.FromResult(State.Exists ? View() : null);

    public async Task<ExportCancel> Cancel()
    {
        if (!State.Exists)
        {
            return new ExportCancel(ExportCancelStatus.NotFound, null);
        }

        // The loop stops at its next step without writing; from here this call owns the state.
        await StopRunningAsync();
        if (State.Status.HasEnded())
        {
            return new ExportCancel(ExportCancelStatus.InvalidState, View());
        }

        // CANCELLED is stored first, then the parts go: a crash between the two leaves a cancelled job whose reminder
        // drops them, never a running job without its parts.
        await EndAsync(ExportJobStatus.Cancelled, error: null);
        return new ExportCancel(ExportCancelStatus.Cancelled, View());
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ResumeReminder)
        {
            return;
        }

        if (!State.Exists)
        {
            await UnregisterAsync();
            return;
        }

        if (State.Status.HasEnded())
        {
            // Its end was stored but what follows it (dropping the parts, unregistering) failed: this is the next try.
            await FinishAsync();
            return;
        }

        // Activated by this tick, the job is running already (OnActivateAsync); otherwise its loop gave up on a
        // passing failure, and this is the next try.
        EnsureRunning();
    }

    private ExportJobView View() => State.View(JobId, State.RowsDone + _rowsGathered);

    private void EnsureRunning()
    {
        if (_run is null || _run.IsCompleted)
        {
            RunInBackground();
        }
    }

    private void RunInBackground()
    {
        _stop?.Dispose();
        _stop = new CancellationTokenSource();
        _rowsGathered = 0;

        // Not awaited: started from the grain's context, the loop's continuations run on its scheduler, one step at a
        // time between the grain's calls.
        _run = RunAsync(_stop.Token);
    }

    private async Task StopRunningAsync()
    {
        if (_run is null)
        {
            return;
        }

        await _stop!.CancelAsync();
        await _run;
        _run = null;
        _stop.Dispose();
        _stop = null;
        _rowsGathered = 0;
    }

    /// <summary>Never throws: every way out of a run is the checkpoint (cancelled, interrupted) or an ended job.</summary>
    private async Task RunAsync(CancellationToken stop)
    {
        await Task.Yield();
        try
        {
            this.DelayDeactivation(s_keepAlive);

            // A job that has not ended always has its reminder (a start that failed halfway, a reminder lost with its row).
            await EnsureReminderAsync();
            using var slot = await slots.AcquireAsync(stop);
            if (!State.Exists || State.Status.HasEnded())
            {
                return;
            }

            metrics.Running(1);
            try
            {
                await ExportAsync(stop);
            }
            finally
            {
                metrics.Running(-1);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Cancelled, or the activation is going: the checkpoint is where the next run starts.
        }
        catch (Exception exception) when (ExportErrors.IsPermanent(exception))
        {
            LogFailed(logger, exception, JobId);
            await FailAsync(ExportErrors.Reason(exception));
        }
        catch (Exception exception) when (!ExportErrors.IsFatal(exception))
        {
            await InterruptedAsync(exception);
        }
    }

    /// <summary>Ends the job FAILED, unless it has ended already: a later failure never overwrites an outcome.</summary>
    private async Task FailAsync(string reason)
    {
        if (State.Status.HasEnded())
        {
            return;
        }

        try
        {
            await EndAsync(ExportJobStatus.Failed, reason);
        }
        catch (Exception recording) when (!ExportErrors.IsFatal(recording))
        {
            // The activation goes (SaveAsync); the next one finds the job as stored and tries again.
            LogInterrupted(logger, recording, JobId, State.RowsDone, options.Value.ResumePeriod);
        }
    }

    /// <summary>
    /// Retried and still failing (the database or the blob store away), or the state's write lost: the reason is
    /// recorded for the attempts' count (unless the state's own write failed), and the activation goes, so that the
    /// next one starts from the stored checkpoint.
    /// </summary>
    private async Task InterruptedAsync(Exception exception)
    {
        LogInterrupted(logger, exception, JobId, State.RowsDone, options.Value.ResumePeriod);
        _rowsGathered = 0;
        if (!_stateUnsure && !State.Status.HasEnded())
        {
            State.LastError = ExportErrors.Reason(exception);
            try
            {
                await job.WriteStateAsync();
            }
            catch (Exception recording) when (!ExportErrors.IsFatal(recording))
            {
                LogInterrupted(logger, recording, JobId, State.RowsDone, options.Value.ResumePeriod);
            }
        }

        DeactivateOnIdle();
    }

    private async Task ExportAsync(CancellationToken stop)
    {
        var settings = options.Value;
        if (State.Attempts >= settings.MaxAttempts)
        {
            // Run after run without a checkpoint: trying again would not fare better.
            LogGaveUp(logger, JobId, State.Attempts, State.LastError);
            await FailAsync(State.LastError ?? ExportErrors.Interrupted);
            return;
        }

        // Counted before the run can fail, so that a run lost with its silo counts too; a checkpoint sets it back to 0.
        // The last error is this run's from now on: none if it is lost with its silo (then the reason is "interrupted").
        State.Attempts++;
        State.LastError = null;
        await SaveAsync();

        var retry = RetryPipeline(settings);
        var key = ExportFiles.Key(JobId);
        if (State.Status == ExportJobStatus.Pending || State.RowsTotal is null || State.WriteId is null)
        {
            // Before and the total are fixed once; the file's write is opened once (a job that died before recording
            // it opens another, and the abandoned one holds no part of a checkpoint).
            State.Before ??= Earlier(time.GetUtcNow(), State.Filter.CreatedTo);
            State.RowsTotal ??= await retry.ExecuteAsync(async ct => await source.CountAsync(State.Filter, State.Before.Value, ct), stop);
            State.WriteId ??= await retry.ExecuteAsync(async ct => await blobs.StartPartsAsync(key, ExportFiles.ContentType, ct), stop);
            State.Status = ExportJobStatus.Processing;
            await SaveAsync();
        }

        // A job that stopped after its last part was recorded only completes the file: the store completes a write
        // twice (the second finds the file), while reading on could find rows that match by now.
        if (!State.AllRowsRead)
        {
            await ReadRowsAsync(key, settings, retry, stop);
        }

        stop.ThrowIfCancellationRequested();
        var file = await retry.ExecuteAsync(async ct => await blobs.CompletePartsAsync(key, State.WriteId!, State.Parts, ct), stop);
        State.Size = file.Size;
        await EndAsync(ExportJobStatus.Completed, error: null);
        LogCompleted(logger, JobId, State.RowsDone, file.Size, State.Parts.Count, State.Resumes);
    }

    private async Task ReadRowsAsync(string key, ExportOptions settings, ResiliencePipeline retry, CancellationToken stop)
    {
        using var buffer = new PartBuffer(settings.PartSize + (settings.PartSize / 4));
        await using var csv = OrderCsv.Create(buffer);
        if (State.Parts.Count == 0)
        {
            OrderCsv.WriteHeader(csv);
        }

        var cursor = State.Cursor;
        while (true)
        {
            stop.ThrowIfCancellationRequested();
            this.DelayDeactivation(s_keepAlive);
            var after = cursor;
            var batch = await retry.ExecuteAsync(async ct => await source.ReadAsync(State.Filter, State.Before!.Value, after, settings.BatchSize, ct), stop);
            foreach (var row in batch)
            {
                OrderCsv.Write(csv, row);
            }

            await csv.FlushAsync(stop);
            if (batch.Count > 0)
            {
                cursor = new ExportCursor(batch[^1].CreatedAt, batch[^1].Id);
                _rowsGathered += batch.Count;
            }

            var last = batch.Count < settings.BatchSize;
            if (buffer.Length >= settings.PartSize || (last && (buffer.Length > 0 || State.Parts.Count == 0)))
            {
                await CheckpointPartAsync(key, buffer, cursor, last, retry, stop);
            }
            else if (last)
            {
                // The last batch added nothing (the rows ended with the last part): recorded all the same.
                State.AllRowsRead = true;
                await SaveAsync();
            }

            if (last)
            {
                return;
            }
        }
    }

    /// <summary>The part first, then the checkpoint that records it: a crash between the two writes the part again.</summary>
    private async Task CheckpointPartAsync(string key, PartBuffer buffer, ExportCursor? cursor, bool allRowsRead, ResiliencePipeline retry, CancellationToken stop)
    {
        var number = State.Parts.Count + 1;
        var part = await retry.ExecuteAsync(async ct => await blobs.WritePartAsync(key, State.WriteId!, number, buffer.Written, ct), stop);
        await faults.PartWritten(JobId, number, stop);
        State.Parts.Add(part);
        State.RowsDone += _rowsGathered;
        State.CursorCreatedAt = cursor?.CreatedAt;
        State.CursorId = cursor?.Id;
        State.AllRowsRead = allRowsRead;
        State.Attempts = 0;
        State.LastError = null;
        var rows = _rowsGathered;
        await SaveAsync();
        metrics.Rows(rows);
        LogCheckpoint(logger, JobId, number, State.RowsDone, State.RowsTotal);
        _rowsGathered = 0;
        buffer.Clear();
    }

    /// <summary>The outcome is stored first; only then are a failed or cancelled job's parts dropped and its reminder unregistered.</summary>
    private async Task EndAsync(ExportJobStatus outcome, string? error)
    {
        State.Status = outcome;
        State.Error = error;
        State.CompletedAt = time.GetUtcNow();
        State.DiscardPending = outcome != ExportJobStatus.Completed;
        _rowsGathered = 0;
        await SaveAsync();
        metrics.Ended(outcome);
        await FinishAsync();
    }

    /// <summary>What follows an ended job, best effort: what fails is tried again at the reminder's next tick.</summary>
    private async Task FinishAsync()
    {
        if (State.DiscardPending)
        {
            if (!await DiscardFileAsync())
            {
                return;
            }

            State.DiscardPending = false;
            try
            {
                await SaveAsync();
            }
            catch (Exception exception) when (!ExportErrors.IsFatal(exception))
            {
                // Dropping the parts again is harmless; the next activation does it and then records it.
                LogDiscardFailed(logger, exception, JobId);
                return;
            }
        }

        await UnregisterAsync();
    }

    /// <summary>
    /// Writes the state. Should the write fail, storage may hold the old state or the new: the in-memory progress is
    /// read back from storage where it can be (so rows are not counted twice), and this activation goes, so that the
    /// next call reads what is stored rather than a change that never landed.
    /// </summary>
    private async Task SaveAsync()
    {
        try
        {
            await job.WriteStateAsync();
        }
        catch
        {
            _stateUnsure = true;
            _rowsGathered = 0;
            DeactivateOnIdle();
            try
            {
                await job.ReadStateAsync();
            }
            catch (Exception reading) when (!ExportErrors.IsFatal(reading))
            {
                LogStateUnreadable(logger, reading, JobId);
            }

            throw;
        }
    }

    /// <summary>Drops the unfinished parts and any file (a cancel racing the last step may find it completed); false if the store failed.</summary>
    private async Task<bool> DiscardFileAsync()
    {
        var key = ExportFiles.Key(JobId);
        try
        {
            if (State.WriteId is { } writeId)
            {
                await blobs.AbortPartsAsync(key, writeId, CancellationToken.None);
            }

            await blobs.DeleteAsync(key, CancellationToken.None);
            return true;
        }
        catch (Exception exception) when (!ExportErrors.IsFatal(exception))
        {
            // The reminder tries again at its next tick. Until then what is left is unreachable without the job's link
            // (the filesystem store keeps unfinished parts; S3 drops them only under an AbortIncompleteMultipartUpload
            // lifecycle rule).
            LogDiscardFailed(logger, exception, JobId);
            return false;
        }
    }

    private async Task EnsureReminderAsync()
    {
        if (await this.GetReminder(ResumeReminder) is null)
        {
            await this.RegisterOrUpdateReminder(ResumeReminder, options.Value.ResumePeriod, options.Value.ResumePeriod);
        }
    }

    /// <summary>Best effort: a reminder left behind unregisters itself at its next tick.</summary>
    private async Task UnregisterAsync()
    {
        try
        {
            if (await this.GetReminder(ResumeReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        catch (Exception exception) when (!ExportErrors.IsFatal(exception))
        {
            LogUnregisterFailed(logger, exception, JobId);
        }
    }

    private ResiliencePipeline RetryPipeline(ExportOptions settings)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (settings.RetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException && !ExportErrors.IsPermanent(e)),
                MaxRetryAttempts = settings.RetryAttempts,
                Delay = settings.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            });
        }

        return builder.Build();
    }

    private static DateTimeOffset Earlier(DateTimeOffset now, DateTimeOffset? createdTo) => createdTo is { } to && to < now ? to : now;

    [LoggerMessage(1, LogLevel.Information, "Export {JobId}: part {Part} checkpointed, {RowsDone} of {RowsTotal} rows.")]
    private static partial void LogCheckpoint(ILogger logger, string jobId, int part, long rowsDone, long? rowsTotal);

    [LoggerMessage(2, LogLevel.Information, "Export {JobId}: resuming from its checkpoint after {RowsDone} rows in {Parts} parts.")]
    private static partial void LogResuming(ILogger logger, string jobId, long rowsDone, int parts);

    [LoggerMessage(3, LogLevel.Information, "Export {JobId}: completed, {Rows} rows, {Size} bytes in {Parts} parts, resumed {Resumes} times.")]
    private static partial void LogCompleted(ILogger logger, string jobId, long rows, long size, int parts, int resumes);

    [LoggerMessage(4, LogLevel.Warning, "Export {JobId}: failed.")]
    private static partial void LogFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(5, LogLevel.Warning, "Export {JobId}: interrupted after {RowsDone} checkpointed rows; it resumes from there within {ResumePeriod}.")]
    private static partial void LogInterrupted(ILogger logger, Exception exception, string jobId, long rowsDone, TimeSpan resumePeriod);

    [LoggerMessage(6, LogLevel.Warning, "Export {JobId}: its unfinished file could not be removed; its reminder tries again.")]
    private static partial void LogDiscardFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(7, LogLevel.Warning, "Export {JobId}: failed after {Attempts} runs in a row without a checkpoint, the last for: {LastError}")]
    private static partial void LogGaveUp(ILogger logger, string jobId, int attempts, string? lastError);

    [LoggerMessage(8, LogLevel.Warning, "Export {JobId}: its reminder could not be unregistered; it does so at its next tick.")]
    private static partial void LogUnregisterFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(9, LogLevel.Warning, "Export {JobId}: its state could not be read back after a failed write; the next activation reads it.")]
    private static partial void LogStateUnreadable(ILogger logger, Exception exception, string jobId);
}
