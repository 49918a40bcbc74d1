using System.Diagnostics.Metrics;
using System.Text;
using BlobStorage;
using Grains.Exports;
using Grains.Orders;
using Grains.Persistence.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Orleans.Core.Internal;
using Orleans.Storage;

namespace Grains.Tests.Exports;

/// <summary>
/// Export jobs on one silo with in-memory storage (whose job writes a test can fail), the filesystem blob store in a
/// folder of the test's (whose drops a test can fail), and a fake clock. Nothing is retried in place
/// (<see cref="ExportOptions.RetryAttempts"/> 0): a failure stops the run, and the reminder's tick is the next try.
/// </summary>
public sealed class ExportJobGrainTests : IAsyncLifetime
{
    private static readonly OrderExportFilter s_everything = new(null, null, null, null);
    private readonly string _blobs = Path.Combine(Path.GetTempPath(), $"export-tests-{Guid.NewGuid():N}");
    private CommerceCluster _commerce = null!;
    private MetricCollector<long> _ended = null!;
    private MetricCollector<long> _resumed = null!;
    private MetricCollector<long> _rows = null!;
    private MetricCollector<int> _running = null!;
    private FlakyBlobs _flakyBlobs = null!;

    private FlakyJobStorage Storage => (FlakyJobStorage)_commerce.Services.GetRequiredKeyedService<IGrainStorage>(Orleans.Providers.ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);

    private async Task StartAsync(IOrderExportSource? source = null, IExportJobFaults? faults = null, int maxRunning = 2, int maxAttempts = 5)
    {
        _flakyBlobs = new FlakyBlobs(new FileSystemBlobStore(_blobs, links: null));
        _commerce = await CommerceCluster.StartAsync(services: services =>
        {
            services.Configure<BlobStorageOptions>(options => options.Path = _blobs);
            services.AddSingleton<IBlobStore>(_flakyBlobs);
            services.Configure<ExportOptions>(options =>
            {
                options.MaxRunningPerSilo = maxRunning;
                options.PartSize = BlobParts.MinimumSize;
                options.BatchSize = 1_000;
                options.ResumePeriod = TimeSpan.FromMinutes(1);
                options.RetryAttempts = 0;
                options.MaxAttempts = maxAttempts;
            });
            if (source is not null)
            {
                services.AddSingleton(source);
            }

            if (faults is not null)
            {
                services.AddSingleton(faults);
            }
        }, siloAfter: silo => silo.Services.AddKeyedSingleton<IGrainStorage>(
            Orleans.Providers.ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME,
            (provider, _) => new FlakyJobStorage(MemoryGrainStorageFactory.Create(provider, Orleans.Providers.ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME))));
        var meters = _commerce.Services.GetRequiredService<IMeterFactory>();
        _ended = new MetricCollector<long>(meters, ExportMetrics.MeterName, ExportMetrics.JobsName);
        _resumed = new MetricCollector<long>(meters, ExportMetrics.MeterName, ExportMetrics.ResumedName);
        _rows = new MetricCollector<long>(meters, ExportMetrics.MeterName, ExportMetrics.RowsName);
        _running = new MetricCollector<int>(meters, ExportMetrics.MeterName, ExportMetrics.RunningName);
    }

    /// <summary>Completes once <paramref name="runs"/> runs have given back their slot: a run whose state write failed has stopped (a tick during it would leave it be).</summary>
    private Task RunsStoppedAsync(int runs) => _running.WaitForMeasurementsAsync(2 * runs).WaitAsync(TimeSpan.FromMinutes(1));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _ended?.Dispose();
        _resumed?.Dispose();
        _rows?.Dispose();
        _running?.Dispose();
        if (_commerce is not null)
        {
            await _commerce.DisposeAsync();
        }

        if (Directory.Exists(_blobs))
        {
            Directory.Delete(_blobs, recursive: true);
        }
    }

    private IExportJobGrain Job(string id) => _commerce.Grains.GetGrain<IExportJobGrain>(id);

    private IBlobStore Blobs => _commerce.Services.GetRequiredService<IBlobStore>();

    private Task<ReminderEntry?> ReminderAsync(string id) => _commerce.Services.GetRequiredService<IReminderTable>().ReadRow(Job(id).GetGrainId(), "resume-export");

    /// <summary>Fires the job's reminder once more: waits until its wait for the next tick is armed, advances the clock, waits for the tick.</summary>
    private async Task TickAsync(string id, int ticksBefore)
    {
        await _commerce.Reminders.Armed(Job(id).GetGrainId(), "resume-export", afterTicks: ticksBefore);
        _commerce.Time.Advance(TimeSpan.FromMinutes(1));
        await _commerce.Reminders.Ticked(Job(id).GetGrainId(), "resume-export", ticksBefore + 1);
    }

    private static string[] Ids(string file) => [.. file.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l[..l.IndexOf(',', StringComparison.Ordinal)])];

    private async Task<ExportJobView> EndedAsync(string id, int jobsEnded = 1)
    {
        await _ended.WaitForMeasurementsAsync(jobsEnded).WaitAsync(TimeSpan.FromMinutes(1));
        return (await Job(id).Get())!;
    }

    private async Task<string> FileAsync(string id)
    {
        await using var file = await Blobs.OpenReadAsync(ExportFiles.Key(id), CancellationToken.None);
        using var reader = new StreamReader(file, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    [Fact]
    public async Task A_small_export_is_the_header_and_the_matching_orders_oldest_first_exactly_with_only_the_free_text_escaped()
    {
        await StartAsync();
        var at = _commerce.Time.GetUtcNow().AddHours(-1);
        var orders = _commerce.Services.GetRequiredService<IGrainStateStore<OrderState>>();
        async Task OrderAsync(string id, string customer, string name, OrderStatus status, long total, int items, DateTimeOffset createdAt)
            => await orders.WriteAsync(id, new OrderState
            {
                Exists = true, CustomerId = customer, CustomerName = name, Status = status, Total = total, Currency = "VND", CreatedAt = createdAt,
                Items = [.. Enumerable.Range(0, items).Select(i => new OrderLine($"p{i}", $"P{i}", 1, total / items, total / items))],
            }, null, CancellationToken.None);
        await OrderAsync("o-b", "bob", "Bob", OrderStatus.Paid, 250_000, 2, at.AddMinutes(2));
        await OrderAsync("o-a", "alice", "Alice \"Al\", Jr.", OrderStatus.Paid, 1_000_000, 1, at.AddMinutes(1));
        await OrderAsync("o-c", "carol", "=HYPERLINK(\"x\")", OrderStatus.Paid, 5, 1, at.AddMinutes(3));
        await OrderAsync("o-d", "dave", "Dave", OrderStatus.Cancelled, 7, 1, at.AddMinutes(4));
        await OrderAsync("o-e", "erin", "Erin", OrderStatus.Paid, 9, 1, at.AddMinutes(-30));
        await OrderAsync("-o-f", "frank", "-Frank", OrderStatus.Paid, 11, 1, at.AddMinutes(5));

        var started = await Job("small").Start(new StartOrderExport("manager", new OrderExportFilter(OrderStatus.Paid, null, at, null)));

        Assert.Equal(ExportStartStatus.Started, started.Status);
        var job = await EndedAsync("small");
        Assert.Equal((ExportJobStatus.Completed, 4L, 4L), (job.Status, job.RowsDone, job.RowsTotal));
        Assert.Equal(ExportFiles.Key("small"), job.BlobKey);
        var stamp = (DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(
            "id,customer_id,customer_name,status,total,currency,item_count,created_at\r\n"
            + $"o-a,alice,\"Alice \"\"Al\"\", Jr.\",PAID,1000000,VND,1,{stamp(at.AddMinutes(1))}\r\n"
            + $"o-b,bob,Bob,PAID,250000,VND,2,{stamp(at.AddMinutes(2))}\r\n"
            + $"o-c,carol,\"'=HYPERLINK(\"\"x\"\")\",PAID,5,VND,1,{stamp(at.AddMinutes(3))}\r\n"
            + $"-o-f,frank,'-Frank,PAID,11,VND,1,{stamp(at.AddMinutes(5))}\r\n",
            await FileAsync("small"));
        Assert.Equal(job.Size, (await Blobs.GetInfoAsync(ExportFiles.Key("small"), CancellationToken.None))!.Size);
    }

    [Fact]
    public async Task Starting_a_job_id_again_answers_the_job_it_is()
    {
        await StartAsync(new GeneratedOrders(10));
        var command = new StartOrderExport("manager", s_everything);
        await Job("again").Start(command);
        await EndedAsync("again");

        var again = await Job("again").Start(command with { OwnerId = "other" });

        Assert.Equal((ExportStartStatus.AlreadyExists, "manager", ExportJobStatus.Completed), (again.Status, again.Job.OwnerId, again.Job.Status));
    }

    [Fact]
    public async Task A_job_cut_off_between_a_part_and_its_checkpoint_resumes_from_the_checkpoint_by_its_reminder_and_writes_every_row_once()
    {
        const int rows = 130_000;
        var cut = new StopAfterPart(2);
        var orders = new RecordingOrders(rows);
        await StartAsync(orders, cut);
        await Job("resumed").Start(new StartOrderExport("manager", s_everything));
        await cut.Reached;
        var checkpointed = (await Job("resumed").Get())!;
        var stored = new GrainState<ExportJobState>(new ExportJobState());
        await Storage.ReadStateAsync("exportJob", Job("resumed").GetGrainId(), stored);
        var storedState = stored.State!;

        // The activation goes (as with its silo) while part 2 is written but not recorded; the reminder brings the job back.
        await Job("resumed").Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await _commerce.Reminders.Armed(Job("resumed").GetGrainId(), "resume-export");
        var readsBefore = orders.Reads.Count;
        _commerce.Time.Advance(TimeSpan.FromMinutes(1));

        var job = await EndedAsync("resumed");
        Assert.Equal(ExportJobStatus.Processing, checkpointed.Status);
        Assert.InRange(checkpointed.RowsDone, 1, rows - 1);

        // A resume, not a restart: its first read starts after part 1's last row, the checkpoint.
        var part1 = (int)storedState.RowsDone;
        Assert.Equal((1, ExportJobStatus.Processing), (storedState.Parts.Count, storedState.Status));
        Assert.Equal(new ExportCursor(GeneratedOrders.First.AddMilliseconds(part1 - 1), GeneratedOrders.IdOf(part1 - 1)), orders.Reads[readsBefore]);
        Assert.Equal(1, _resumed.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal((ExportJobStatus.Completed, (long)rows, (long)rows), (job.Status, job.RowsDone, job.RowsTotal));
        Assert.Equal(rows, _rows.GetMeasurementSnapshot().Sum(m => m.Value));
        var file = await FileAsync("resumed");
        Assert.Equal(OrderExportHeader, file[..file.IndexOf('\r', StringComparison.Ordinal)]);
        Assert.Equal(Enumerable.Range(0, rows).Select(GeneratedOrders.IdOf), Ids(file));
        Assert.True((await Blobs.GetInfoAsync(ExportFiles.Key("resumed"), CancellationToken.None))!.Size > 2L * BlobParts.MinimumSize);
        Assert.Null(await ReminderAsync("resumed"));
    }

    [Fact]
    public async Task A_start_whose_write_fails_throws_and_its_retry_starts_the_job_which_completes()
    {
        await StartAsync(new GeneratedOrders(10));
        Storage.FailOnce((id, _) => id == "start-lost");
        var command = new StartOrderExport("manager", s_everything);

        await Assert.ThrowsAnyAsync<Exception>(() => Job("start-lost").Start(command));
        var retry = await Job("start-lost").Start(command);

        Assert.Equal((ExportStartStatus.Started, ExportJobStatus.Pending), (retry.Status, retry.Job.Status));
        var job = await EndedAsync("start-lost");
        Assert.Equal((ExportJobStatus.Completed, 10L), (job.Status, job.RowsDone));
        Assert.Equal(Enumerable.Range(0, 10).Select(GeneratedOrders.IdOf), Ids(await FileAsync("start-lost")));
        Assert.Null(await ReminderAsync("start-lost"));
    }

    [Fact]
    public async Task A_checkpoint_whose_write_fails_counts_its_rows_once_and_the_job_resumes_from_the_stored_checkpoint()
    {
        const int rows = 130_000;
        await StartAsync(new GeneratedOrders(rows));
        Storage.FailOnce((id, state) => id == "checkpoint-lost" && state.Parts.Count == 2);
        await Job("checkpoint-lost").Start(new StartOrderExport("manager", s_everything));
        await Storage.Failed;
        await RunsStoppedAsync(1);

        await TickAsync("checkpoint-lost", ticksBefore: 0);

        var job = await EndedAsync("checkpoint-lost");
        Assert.Equal((ExportJobStatus.Completed, (long)rows), (job.Status, job.RowsDone));
        Assert.Equal(rows, _rows.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(Enumerable.Range(0, rows).Select(GeneratedOrders.IdOf), Ids(await FileAsync("checkpoint-lost")));
    }

    [Fact]
    public async Task A_job_stopped_after_completing_its_file_but_before_recording_it_completes_without_reading_again()
    {
        var orders = new RecordingOrders(10);
        await StartAsync(orders);
        Storage.FailOnce((id, state) => id == "completed-lost" && state.Status == ExportJobStatus.Completed);
        await Job("completed-lost").Start(new StartOrderExport("manager", s_everything));
        await Storage.Failed;
        await RunsStoppedAsync(1);
        var reads = orders.Reads.Count;

        await TickAsync("completed-lost", ticksBefore: 0);

        var job = await EndedAsync("completed-lost");
        Assert.Equal((ExportJobStatus.Completed, 10L, null), (job.Status, job.RowsDone, job.Error));
        Assert.Equal(reads, orders.Reads.Count);
        Assert.Equal(Enumerable.Range(0, 10).Select(GeneratedOrders.IdOf), Ids(await FileAsync("completed-lost")));
    }

    [Fact]
    public async Task A_cancel_whose_drop_of_the_parts_fails_is_cancelled_and_its_reminder_drops_them()
    {
        var orders = new GatedOrders(10);
        await StartAsync(orders);
        await Job("drop-later").Start(new StartOrderExport("manager", s_everything));
        await orders.Waiting(1);
        _flakyBlobs.FailNextAbort();

        var cancel = await Job("drop-later").Cancel();

        Assert.Equal((ExportCancelStatus.Cancelled, ExportJobStatus.Cancelled), (cancel.Status, cancel.Job!.Status));
        Assert.Single(Directory.EnumerateFileSystemEntries(Path.Combine(_blobs, "parts")));
        Assert.NotNull(await ReminderAsync("drop-later"));

        await TickAsync("drop-later", ticksBefore: 0);

        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_blobs, "parts")));
        Assert.Null(await ReminderAsync("drop-later"));
        Assert.Equal(ExportJobStatus.Cancelled, (await Job("drop-later").Get())!.Status);
    }

    [Fact]
    public async Task An_invalid_operation_from_the_source_passes_and_the_reminder_completes_the_job()
    {
        await StartAsync(new RecordingOrders(10, failures: 1, failure: () => new InvalidOperationException("A connection pool shutting down (test).")));
        var interrupted = Storage.Wrote((id, state) => id == "passing" && state.LastError is not null);
        await Job("passing").Start(new StartOrderExport("manager", s_everything));
        await interrupted;

        await TickAsync("passing", ticksBefore: 0);

        var job = await EndedAsync("passing");
        Assert.Equal((ExportJobStatus.Completed, 10L), (job.Status, job.RowsDone));
    }

    [Fact]
    public async Task A_job_interrupted_max_attempts_runs_in_a_row_fails_with_a_fixed_reason_and_leaves_no_file()
    {
        await StartAsync(new RecordingOrders(10, failures: int.MaxValue, failure: () => new IOException("/var/lib/secret/path refused (test).")), maxAttempts: 2);
        Task Interrupted(int attempts) => Storage.Wrote((id, state) => id == "given-up" && state.Attempts == attempts && state.LastError is not null);
        var first = Interrupted(1);
        var second = Interrupted(2);
        await Job("given-up").Start(new StartOrderExport("manager", s_everything));

        // Each tick once the run before it has stopped: a tick while a run goes on leaves it be.
        await first;
        await TickAsync("given-up", ticksBefore: 0);
        await second;
        await TickAsync("given-up", ticksBefore: 1);

        var job = await EndedAsync("given-up");
        Assert.Equal((ExportJobStatus.Failed, "The database or the blob store could not be reached."), (job.Status, job.Error));
        Assert.Null(job.BlobKey);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_blobs, "parts")));
        Assert.Null(await ReminderAsync("given-up"));
    }

    private const string OrderExportHeader = "id,customer_id,customer_name,status,total,currency,item_count,created_at";

    [Fact]
    public async Task At_most_the_slots_of_a_silo_run_at_once_and_the_others_wait_pending()
    {
        var orders = new GatedOrders(3_500);
        await StartAsync(orders, maxRunning: 2);

        foreach (var id in new[] { "slot-1", "slot-2", "slot-3" })
        {
            await Job(id).Start(new StartOrderExport("manager", s_everything));
        }

        await orders.Waiting(2);
        var statuses = await Task.WhenAll(new[] { "slot-1", "slot-2", "slot-3" }.Select(async id => (await Job(id).Get())!.Status));
        Assert.Equal(2, statuses.Count(s => s == ExportJobStatus.Processing));
        Assert.Equal(1, statuses.Count(s => s == ExportJobStatus.Pending));

        orders.Open();
        await _ended.WaitForMeasurementsAsync(3).WaitAsync(TimeSpan.FromMinutes(1));
        foreach (var id in new[] { "slot-1", "slot-2", "slot-3" })
        {
            Assert.Equal((ExportJobStatus.Completed, 3_500L), ((await Job(id).Get())!.Status, (await Job(id).Get())!.RowsDone));
        }

        Assert.Equal(2, orders.MostReaders);
    }

    [Fact]
    public async Task Cancelling_a_running_job_stops_it_and_drops_its_parts_and_an_ended_job_cannot_be_cancelled()
    {
        var orders = new GatedOrders(10);
        await StartAsync(orders);
        await Job("cancelled").Start(new StartOrderExport("manager", s_everything));
        await orders.Waiting(1);

        var cancel = await Job("cancelled").Cancel();

        Assert.Equal((ExportCancelStatus.Cancelled, ExportJobStatus.Cancelled), (cancel.Status, cancel.Job!.Status));
        Assert.NotNull(cancel.Job.CompletedAt);
        Assert.Equal(ExportJobStatus.Cancelled, (await EndedAsync("cancelled")).Status);
        Assert.Contains(_ended.GetMeasurementSnapshot(), m => (string?)m.Tags["outcome"] == "cancelled");
        Assert.Null(await Blobs.GetInfoAsync(ExportFiles.Key("cancelled"), CancellationToken.None));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_blobs, "parts")));
        Assert.Equal(ExportCancelStatus.InvalidState, (await Job("cancelled").Cancel()).Status);
        Assert.Equal(ExportCancelStatus.NotFound, (await Job("never-started").Cancel()).Status);
        Assert.Null(await Job("never-started").Get());
    }

    [Fact]
    public async Task A_job_whose_query_the_database_refuses_fails_with_the_reason_and_leaves_no_file()
    {
        await StartAsync(new RefusingOrders());
        await Job("refused").Start(new StartOrderExport("manager", s_everything));

        var job = await EndedAsync("refused");

        Assert.Equal((ExportJobStatus.Failed, RefusingOrders.Reason), (job.Status, job.Error));
        Assert.Null(job.BlobKey);
        Assert.Contains(_ended.GetMeasurementSnapshot(), m => (string?)m.Tags["outcome"] == "failed");
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_blobs, "parts")));
    }
}
