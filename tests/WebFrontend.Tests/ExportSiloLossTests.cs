using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using BlobStorage;
using Commerce.Testing;
using Grains.Exports;
using Npgsql;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>
/// Case C5's crash test, with real processes: an export of 400,000 orders (several 5 MiB parts) started through a front
/// end process; once its first part is checkpointed, kill -9 of the front end and of the silo running the job. A new
/// front end answers for it, the other silo resumes it from its checkpoint, and the file holds every order of the
/// database exactly once, in order.
/// </summary>
public sealed class ExportSiloLossTests : IAsyncLifetime
{
    private const int Orders = 400_000;
    private readonly string _logs = Path.Combine(Path.GetTempPath(), $"export-loss-tests-{Guid.NewGuid():N}");
    private readonly string _blobs = Path.Combine(Path.GetTempPath(), $"export-loss-blobs-{Guid.NewGuid():N}");
    private string _connectionString = "";
    private NpgsqlDataSource _database = null!;
    private Dictionary<string, string?> _settings = null!;
    private SiloProcess[] _silos = [];
    private readonly List<FrontEndProcess> _frontEnds = [];

    public async Task InitializeAsync()
    {
        _connectionString = await SharedPostgres.CreateDatabaseAsync();
        _database = NpgsqlDataSource.Create(_connectionString);
        _settings = TestPayments.Settings(new Uri("http://127.0.0.1:9/"));
        _settings["BlobStorage:Path"] = _blobs;
        var silo = new Dictionary<string, string>(_settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!))
        {
            ["Exports__PartSize"] = BlobParts.MinimumSize.ToString(CultureInfo.InvariantCulture),
            ["Exports__BatchSize"] = "1000",
            ["Exports__ResumePeriod"] = "00:00:02",
            ["Reminders__MinimumReminderPeriod"] = "00:00:01",
            ["Logging__LogLevel__Grains.Exports"] = "Information",
        };
        _silos = [.. Enumerable.Range(1, 2).Select(i => SiloProcess.Start($"export-silo-{i}", _connectionString, _logs, silo))];
        await Task.WhenAll(_silos.Select(s => s.Started)).WaitAsync(TimeSpan.FromMinutes(2));

        // Set-based, as the list benchmark loads its orders: a customer per 400 orders, one order a millisecond.
        await using var seed = _database.CreateCommand($"""
            INSERT INTO customers (id, name) SELECT 'c' || i, 'Customer ' || i FROM generate_series(1, 1000) i;
            INSERT INTO orders (id, customer_id, status, subtotal, discount, total, currency, item_count, created_at, expires_at, updated_at, version, etag)
            SELECT 'o' || lpad(i::text, 7, '0'), 'c' || (1 + i % 1000), 'PAID', 100000 + i, 0, 100000 + i, 'VND', 1 + i % 5,
                   timestamptz '2026-01-01 00:00:00+00' + i * interval '1 millisecond', timestamptz '2026-01-02 00:00:00+00',
                   timestamptz '2026-01-01 00:00:00+00', 1, 1
            FROM generate_series(1, {Orders}) i;
            """);
        await seed.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var frontEnd in _frontEnds)
        {
            await frontEnd.DisposeAsync();
        }

        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await _database.DisposeAsync();
        if (Directory.Exists(_blobs))
        {
            Directory.Delete(_blobs, recursive: true);
        }
    }

    private async Task<FrontEndProcess> FrontEndAsync(string name)
    {
        var frontEnd = FrontEndProcess.Start(name, _connectionString, _logs, _settings);
        _frontEnds.Add(frontEnd);
        await frontEnd.Started.WaitAsync(TimeSpan.FromMinutes(2));
        return frontEnd;
    }

    private static HttpClient ClientOf(FrontEndProcess frontEnd)
    {
        var client = new HttpClient { BaseAddress = frontEnd.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.For("export-manager", "manager"));
        return client;
    }

    [Fact]
    public async Task A_job_whose_front_end_and_silo_are_killed_resumes_from_its_checkpoint_and_writes_every_order_once()
    {
        var first = await FrontEndAsync("export-frontend-1");
        var checkpointed = _silos.Select(s => s.NextLine(l => l.Contains(": part 1 checkpointed", StringComparison.Ordinal))).ToList();
        string id;
        using (var client = ClientOf(first))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/exports/orders") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            using var started = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            id = JsonNode.Parse(await started.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        }

        var host = _silos[checkpointed.IndexOf(await Task.WhenAny(checkpointed).WaitAsync(TimeSpan.FromMinutes(2)))];
        var survivor = _silos.Single(s => s != host);
        var resumed = survivor.NextLine(l => l.Contains($"Export {id}: resuming from its checkpoint after", StringComparison.Ordinal));
        var completed = survivor.NextLine(l => l.Contains($"Export {id}: completed", StringComparison.Ordinal));
        await Task.WhenAll(first.KillAsync(), host.KillAsync());

        var second = await FrontEndAsync("export-frontend-2");
        var resumedLine = await resumed.WaitAsync(TimeSpan.FromMinutes(2));
        await completed.WaitAsync(TimeSpan.FromMinutes(2));

        using (var client = ClientOf(second))
        {
            var job = JsonNode.Parse(await client.GetStringAsync($"/api/v1/exports/{id}"))!;
            Assert.Equal(("COMPLETED", (long)Orders, (long)Orders), (job["status"]!.GetValue<string>(), job["rows_done"]!.GetValue<long>(), job["rows_total"]!.GetValue<long>()));
            Assert.StartsWith($"/api/v1/blobs/exports/{id}.csv?", job["download_url"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.DoesNotContain("after 0 rows", resumedLine, StringComparison.Ordinal);
        var store = new FileSystemBlobStore(_blobs, links: null);
        var ids = new List<string>(Orders);
        await using (var file = await store.OpenReadAsync(ExportFiles.Key(id), CancellationToken.None))
        {
            using var reader = new StreamReader(file, Encoding.UTF8);
            Assert.Equal("id,customer_id,customer_name,status,total,currency,item_count,created_at", await reader.ReadLineAsync());
            while (await reader.ReadLineAsync() is { } line)
            {
                ids.Add(line[..line.IndexOf(',', StringComparison.Ordinal)]);
            }
        }

        var expected = new List<string>(Orders);
        await using (var command = _database.CreateCommand("SELECT id FROM orders ORDER BY created_at, id"))
        await using (var rows = await command.ExecuteReaderAsync())
        {
            while (await rows.ReadAsync())
            {
                expected.Add(rows.GetString(0));
            }
        }

        Assert.Equal(Orders, ids.Distinct().Count());
        Assert.True(expected.SequenceEqual(ids), "The file's ids are not the database's, in order, each once.");
    }
}
