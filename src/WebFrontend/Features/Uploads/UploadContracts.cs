namespace WebFrontend.Features.Uploads;

/// <param name="Size">The file's size in bytes: the link takes no more, and the validation rejects any other.</param>
public sealed record CreateUploadRequest(string? FileName, string? ContentType, long? Size);

/// <param name="UploadUrl">Relative to the API's host: PUT the bytes there, with the declared Content-Type, no token.</param>
public sealed record UploadCreatedResponse(string Id, string UploadUrl, DateTime ExpiresAt, long MaxSize);

/// <param name="Status">PENDING_UPLOAD, UPLOADED, PROCESSING, VALID or REJECTED.</param>
/// <param name="Size">The bytes received, once they are.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the bytes received.</param>
/// <param name="Reason">Why the upload was rejected.</param>
public sealed record UploadResponse(
    string Id,
    string Status,
    string FileName,
    string ContentType,
    long DeclaredSize,
    long? Size,
    string? Sha256,
    string? Reason,
    DateTime CreatedAt,
    DateTime ExpiresAt);
