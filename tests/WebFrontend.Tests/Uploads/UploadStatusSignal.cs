using Commerce.Testing;
using Npgsql;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests.Uploads;

/// <summary>Upload status changes in the test database (<see cref="StatusChangeSignal"/> on <c>uploads</c>): how a test learns that a silo decided an upload.</summary>
public static class UploadStatusSignal
{
    private static readonly StatusChangeSignal s_uploads = new("uploads");

    public static Task InstallAsync(NpgsqlDataSource database) => s_uploads.InstallAsync(database);

    /// <summary>The upload's stored status once it is VALID or REJECTED: read at once, and again at each status change.</summary>
    public static Task<string> VerdictAsync(NpgsqlDataSource database, string uploadId, TimeSpan within)
        => s_uploads.WaitAsync(
            database,
            async () =>
            {
                var status = await database.TextAsync("SELECT status FROM uploads WHERE id = $1", uploadId);
                return (status is "VALID" or "REJECTED", status ?? "");
            },
            within,
            status => $"upload {uploadId} is {status}, not decided");
}
