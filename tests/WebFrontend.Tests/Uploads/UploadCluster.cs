using System.Globalization;
using Commerce.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests.Uploads;

/// <summary>
/// What the upload tests run against: a real PostgreSQL, a silo on it, and a front end on a real socket (Kestrel, so
/// its body limits and chunked bodies are the server's own) whose clock is a <see cref="FakeTimeProvider"/> (links
/// expire when a test says). Silo and front end share one blob folder of their own, as one machine's processes would.
/// </summary>
public sealed class UploadCluster : IAsyncLifetime
{
    /// <summary>The largest upload the front end takes: over its own 1 MiB body limit, so the uploads' exemption from it is what lets a file through.</summary>
    public const long MaxSize = 4 * 1024 * 1024;

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public string BlobFolder { get; } = Directory.CreateTempSubdirectory("upload-tests-").FullName;

    public FrontEnd FrontEnd { get; private set; } = null!;

    public InProcessSilo Silo { get; private set; } = null!;

    public NpgsqlDataSource Database { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    public IReadOnlyDictionary<string, string?> SiloSettings
        => new Dictionary<string, string?>(TestPayments.Settings(new Uri("http://127.0.0.1:9/"))) { ["BlobStorage:Path"] = BlobFolder };

    public async Task InitializeAsync()
    {
        ConnectionString = await SharedPostgres.CreateDatabaseAsync();
        Database = NpgsqlDataSource.Create(ConnectionString);
        Silo = await InProcessSilo.StartAsync(ConnectionString, "upload-silo", SiloSettings);
        await UploadStatusSignal.InstallAsync(Database);
        FrontEnd = FrontEnd.Listening(ConnectionString,
            new Dictionary<string, string> { ["BlobStorage:Path"] = BlobFolder, ["Uploads:MaxSize"] = MaxSize.ToString(CultureInfo.InvariantCulture) },
            services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock)));
        await FrontEnd.ConnectedAsync();
    }

    public async Task DisposeAsync()
    {
        await FrontEnd.DisposeAsync();
        await Silo.DisposeAsync();
        await Database.DisposeAsync();
        Directory.Delete(BlobFolder, recursive: true);
    }

    public HttpClient Client(string? token) => FrontEnd.ClientFor(token);

    /// <summary>Every file the store holds for an upload (one per PUT that completed its write).</summary>
    public string[] BlobsOf(string uploadId)
    {
        var folder = Path.Combine(BlobFolder, "blobs", "uploads", uploadId);
        return Directory.Exists(folder) ? Directory.GetFiles(folder) : [];
    }

    /// <summary>Unfinished writes the store left behind: temporary files of any write.</summary>
    public string[] TemporaryFiles() => Directory.GetFiles(Path.Combine(BlobFolder, "parts"), "*", SearchOption.AllDirectories);
}

[CollectionDefinition(Name)]
public sealed class UploadCollection : ICollectionFixture<UploadCluster>
{
    public const string Name = "uploads";
}
