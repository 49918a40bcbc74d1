using Grains.Persistence.Storage;
using Grains.Uploads;
using Npgsql;

namespace Grains.Persistence.Stores;

/// <summary>An upload in <c>uploads</c>: one row, written whole (it has no child rows and a handful of columns).</summary>
internal sealed class UploadStateStore(NpgsqlDataSource dataSource, SharedTransactionWriter writer) : IGrainStateStore<UploadState>
{
    private const string SelectUpload = """
        SELECT owner_id, file_name, content_type, declared_size, status, expires_at, blob_key, size, sha256, reason, created_at, updated_at, etag
        FROM uploads WHERE id = $1
        """;

    public async Task<StoredState<UploadState>?> ReadAsync(string grainKey, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SelectUpload);
        command.Parameters.Add(new NpgsqlParameter { Value = grainKey });
        await using var row = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await row.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var state = new UploadState
        {
            Exists = true,
            OwnerId = row.GetString(0),
            FileName = row.GetString(1),
            ContentType = row.GetString(2),
            DeclaredSize = row.GetInt64(3),
            Status = UploadStatusNames.Parse(row.GetString(4)),
            ExpiresAt = row.GetFieldValue<DateTimeOffset>(5),
            BlobKey = row.IsDBNull(6) ? null : row.GetString(6),
            Size = row.IsDBNull(7) ? null : row.GetInt64(7),
            Sha256 = row.IsDBNull(8) ? null : row.GetString(8),
            Reason = row.IsDBNull(9) ? null : row.GetString(9),
            CreatedAt = row.GetFieldValue<DateTimeOffset>(10),
            UpdatedAt = row.GetFieldValue<DateTimeOffset>(11),
        };
        return new StoredState<UploadState>(state, row.GetInt64(12));
    }

    public Task<long> WriteAsync(string grainKey, UploadState state, long? expectedEtag, CancellationToken cancellationToken)
    {
        var status = UploadStatusNames.Of(state.Status);
        var guarded = expectedEtag is null
            ? GuardedWrite.Command(
                """
                INSERT INTO uploads (id, owner_id, file_name, content_type, declared_size, status, expires_at, blob_key, size, sha256, reason,
                                     created_at, updated_at, etag)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1) ON CONFLICT DO NOTHING
                """,
                grainKey, state.OwnerId, state.FileName, state.ContentType, state.DeclaredSize, status, state.ExpiresAt, state.BlobKey, state.Size,
                state.Sha256, state.Reason, state.CreatedAt, state.UpdatedAt)
            : GuardedWrite.Command(
                """
                UPDATE uploads SET status = $2, blob_key = $3, size = $4, sha256 = $5, reason = $6, updated_at = $7, etag = etag + 1
                WHERE id = $1 AND etag = $8
                """,
                grainKey, status, state.BlobKey, state.Size, state.Sha256, state.Reason, state.UpdatedAt, expectedEtag.Value);

        return GuardedWrite.ExecuteAsync(writer, "uploads", grainKey, expectedEtag, guarded, [guarded], "SELECT etag FROM uploads WHERE id = $1", cancellationToken);
    }

    public Task ClearAsync(string grainKey, long expectedEtag, CancellationToken cancellationToken)
        => GuardedWrite.ClearAsync(dataSource, "uploads", "id", grainKey, expectedEtag, cancellationToken);

}
