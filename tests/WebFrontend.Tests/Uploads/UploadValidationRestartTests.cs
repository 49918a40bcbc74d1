using System.Net;
using BlobStorage;
using Commerce.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests.Uploads;

/// <summary>
/// The validation is durable: a silo that loses an upload mid-check (its store fails it, then the silo stops) leaves
/// the upload PROCESSING with its reminder in PostgreSQL, and the next silo's reminder brings it to its verdict.
/// </summary>
public sealed class UploadValidationRestartTests
{
    [Fact]
    public async Task An_upload_whose_silo_stopped_mid_check_is_decided_by_its_reminder_on_the_next_silo()
    {
        var connectionString = await SharedPostgres.CreateDatabaseAsync();
        var blobFolder = Directory.CreateTempSubdirectory("upload-restart-").FullName;
        await using var database = NpgsqlDataSource.Create(connectionString);
        var settings = new Dictionary<string, string?>(TestPayments.Settings(new Uri("http://127.0.0.1:9/")))
        {
            ["BlobStorage:Path"] = blobFolder,
            ["Reminders:MinimumReminderPeriod"] = "00:00:01",
            ["Uploads:ValidationRetryPeriod"] = "00:00:02",
        };
        var lost = new FailingChecks(new FileSystemBlobStore(blobFolder, links: null));
        var first = await InProcessSilo.StartAsync(connectionString, "upload-restart-1", settings,
            services => services.Replace(ServiceDescriptor.Singleton<IBlobStore>(lost)));
        await UploadStatusSignal.InstallAsync(database);
        // On Kestrel, as uploads are served: the test server has no request body limit an upload could raise.
        await using var frontEnd = FrontEnd.Listening(connectionString, new Dictionary<string, string> { ["BlobStorage:Path"] = blobFolder });
        await frontEnd.ConnectedAsync();
        var client = frontEnd.ClientFor(Tokens.Customer("restart-owner"));
        var bytes = UploadRequests.Png(4000);
        var (_, id, url) = await client.CreateAsync("survivor.png", "image/png", bytes.Length);
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync(url, bytes, "image/png")).Status);

        await lost.CheckStarted.WaitAsync(TimeSpan.FromSeconds(30));
        await first.DisposeAsync();
        Assert.Equal("PROCESSING", await database.TextAsync("SELECT status FROM uploads WHERE id = $1", id));
        Assert.Equal(1, await database.ScalarAsync("SELECT count(*) FROM orleans_reminders WHERE grain_id LIKE '%' || $1", id));

        await using var second = await InProcessSilo.StartAsync(connectionString, "upload-restart-2", settings);

        Assert.Equal("VALID", await UploadStatusSignal.VerdictAsync(database, id, TimeSpan.FromSeconds(60)));
        Directory.Delete(blobFolder, recursive: true);
    }

    /// <summary>The first silo's store: writes and reads as usual, but every check of a blob fails, as if the silo died there.</summary>
    private sealed class FailingChecks(IBlobStore store) : DelegatingBlobStore(store)
    {
        private readonly TaskCompletionSource _checkStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task CheckStarted => _checkStarted.Task;

        public override Task<BlobInfo?> GetInfoAsync(string key, CancellationToken cancellationToken)
        {
            _checkStarted.TrySetResult();
            return Task.FromException<BlobInfo?>(new IOException("The silo is lost in the middle of the check."));
        }

        public override Task<BlobStart?> ReadStartAsync(string key, int count, CancellationToken cancellationToken)
        {
            _checkStarted.TrySetResult();
            return Task.FromException<BlobStart?>(new IOException("The silo is lost in the middle of the check."));
        }
    }
}
