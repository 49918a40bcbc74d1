using Npgsql;

namespace WebFrontend.Tests.Uploads;

/// <summary>
/// A test database's notification of upload status changes (LISTEN/NOTIFY on a trigger the tests install, never part
/// of the product's schema): how a test learns that a silo decided an upload, without polling.
/// </summary>
public static class UploadStatusSignal
{
    public const string Channel = "test_upload_status";

    public static async Task InstallAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand($"""
            CREATE OR REPLACE FUNCTION test_notify_upload_status() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('{Channel}', NEW.id || ' ' || NEW.status);
                RETURN NEW;
            END $$;
            DROP TRIGGER IF EXISTS test_upload_status_changed ON uploads;
            CREATE TRIGGER test_upload_status_changed AFTER INSERT OR UPDATE OF status ON uploads
                FOR EACH ROW EXECUTE FUNCTION test_notify_upload_status();
            """);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The upload's stored status once it is VALID or REJECTED: read at once, and again at each notification about it.</summary>
    public static async Task<string> VerdictAsync(NpgsqlDataSource database, string uploadId, TimeSpan within)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync();
        }

        using var deadline = new CancellationTokenSource(within);
        while (true)
        {
            await using (var read = new NpgsqlCommand("SELECT status FROM uploads WHERE id = $1", connection))
            {
                read.Parameters.Add(new NpgsqlParameter { Value = uploadId });
                if (await read.ExecuteScalarAsync() is string status && status is "VALID" or "REJECTED")
                {
                    return status;
                }
            }

            try
            {
                await connection.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Upload {uploadId} got no verdict within {within}.");
            }
        }
    }
}
