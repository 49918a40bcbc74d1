using System.Diagnostics.Metrics;
using System.Text;
using BlobStorage;
using Grains.Exports;
using Grains.Orders;
using Grains.Persistence.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Orleans.Core.Internal;

namespace Grains.Tests.Exports;

/// <summary>Export jobs on one silo with in-memory storage, the filesystem blob store in a folder of the test's, and a fake clock.</summary>
public sealed class ExportJobGrainTests : IAsyncLifetime
{
    private static readonly OrderExportFilter s_everything = new(null, null, null, null);
    private readonly string _blobs = Path.Combine(Path.GetTempPath(), $"export-tests-{Guid.NewGuid():N}");
    private CommerceCluster _commerce = null!;
    private MetricCollector<long> _ended = null!;

    private async Task StartAsync(IOrderExportSource? source = null, IExportJobFaults? faults = null, int maxRunning = 2)
    {
        _commerce = await CommerceCluster.StartAsync(services: services =>
        {
            services.Configure<BlobStorageOptions>(options => options.Path = _blobs);
            services.Configure<ExportOptions>(options =>
            {
                options.MaxRunningPerSilo = maxRunning;
                options.PartSize = BlobParts.MinimumSize;
                options.BatchSize = 1_000;
                options.ResumePeriod = TimeSpan.FromMinutes(1);
            });
            if (source is not null)
            {
                services.AddSingleton(source);
            }

            if (faults is not null)
            {
                services.AddSingleton(faults);
            }
        });
        _ended = new MetricCollector<long>(_commerce.Services.GetRequiredService<IMeterFactory>(), ExportMetrics.MeterName, ExportMetrics.JobsName);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _ended?.Dispose();
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
    public async Task A_small_export_is_the_header_and_the_matching_orders_oldest_first_exactly()
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

        var started = await Job("small").Start(new StartOrderExport("manager", new OrderExportFilter(OrderStatus.Paid, null, at, null)));

        Assert.Equal(ExportStartStatus.Started, started.Status);
        var job = await EndedAsync("small");
        Assert.Equal((ExportJobStatus.Completed, 3L, 3L), (job.Status, job.RowsDone, job.RowsTotal));
        Assert.Equal(ExportFiles.Key("small"), job.BlobKey);
        var stamp = (DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(
            "id,customer_id,customer_name,status,total,currency,item_count,created_at\r\n"
            + $"o-a,alice,\"Alice \"\"Al\"\", Jr.\",PAID,1000000,VND,1,{stamp(at.AddMinutes(1))}\r\n"
            + $"o-b,bob,Bob,PAID,250000,VND,2,{stamp(at.AddMinutes(2))}\r\n"
            + $"o-c,carol,\"'=HYPERLINK(\"\"x\"\")\",PAID,5,VND,1,{stamp(at.AddMinutes(3))}\r\n",
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
        await StartAsync(new GeneratedOrders(rows), cut);
        await Job("resumed").Start(new StartOrderExport("manager", s_everything));
        await cut.Reached;
        var checkpointed = (await Job("resumed").Get())!;

        // The activation goes (as with its silo) while part 2 is written but not recorded; the reminder brings the job back.
        await Job("resumed").Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await _commerce.Reminders.Armed(Job("resumed").GetGrainId(), "resume-export");
        _commerce.Time.Advance(TimeSpan.FromMinutes(1));

        var job = await EndedAsync("resumed");
        Assert.Equal(ExportJobStatus.Processing, checkpointed.Status);
        Assert.InRange(checkpointed.RowsDone, 1, rows - 1);
        Assert.Equal((ExportJobStatus.Completed, (long)rows, (long)rows), (job.Status, job.RowsDone, job.RowsTotal));
        var lines = (await FileAsync("resumed")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(OrderExportHeader, lines[0]);
        Assert.Equal(Enumerable.Range(0, rows).Select(GeneratedOrders.IdOf), lines.Skip(1).Select(l => l[..l.IndexOf(',', StringComparison.Ordinal)]));
        Assert.True((await Blobs.GetInfoAsync(ExportFiles.Key("resumed"), CancellationToken.None))!.Size > 2L * BlobParts.MinimumSize);
        Assert.Null(await _commerce.Services.GetRequiredService<IReminderTable>().ReadRow(Job("resumed").GetGrainId(), "resume-export"));
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
