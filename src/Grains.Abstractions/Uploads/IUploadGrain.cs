namespace Grains.Uploads;

/// <summary>
/// One file a customer uploads (case C9), keyed by its id: what they declared (name, type, size), where its bytes went,
/// and the validation's verdict. The bytes never pass through the grain: a front end streams them to the blob store
/// and reports only their size and SHA-256. Once told, the grain checks the blob (its size, its first bytes against the
/// declared type) in the background, durably: a reminder runs the check again until a verdict is written.
/// </summary>
[Alias("commerce.upload")]
public interface IUploadGrain : IGrainWithStringKey
{
    /// <summary>Records the declared upload; the same declaration again answers the same upload (a retried request).</summary>
    [Alias("create")]
    Task<UploadCreation> Create(CreateUpload command);

    [Alias("get")]
    Task<UploadView?> Get();

    /// <summary>Whether content may be streamed now: only while <see cref="UploadStatus.PendingUpload"/>.</summary>
    [Alias("can-receive")]
    Task<UploadReceipt> CanReceive();

    /// <summary>
    /// A front end stored the bytes under <see cref="ReceivedContent.BlobKey"/>: the upload becomes
    /// <see cref="UploadStatus.Uploaded"/> and its validation starts. The first content received wins; any other
    /// answers <see cref="UploadReceipt.NotPending"/> and its caller deletes the blob it wrote. Accepted, it answers the
    /// upload as recorded (<see cref="UploadStatus.Uploaded"/>), before its validation moves it on.
    /// </summary>
    [Alias("received")]
    Task<ContentReceived> Received(ReceivedContent content);
}

[GenerateSerializer, Immutable, Alias("commerce.CreateUpload")]
public sealed record CreateUpload(
    [property: Id(0)] string OwnerId,
    [property: Id(1)] string FileName,
    [property: Id(2)] string ContentType,
    [property: Id(3)] long DeclaredSize,
    [property: Id(4)] DateTimeOffset ExpiresAt);

[GenerateSerializer, Alias("commerce.UploadCreationStatus")]
public enum UploadCreationStatus
{
    Created,

    /// <summary>The upload exists with this very declaration: a retry, answered with it.</summary>
    AlreadyExists,

    /// <summary>The upload exists with another declaration (the idempotency key was reused for another file).</summary>
    Conflict,
}

[GenerateSerializer, Immutable, Alias("commerce.UploadCreation")]
public sealed record UploadCreation([property: Id(0)] UploadCreationStatus Status, [property: Id(1)] UploadView? Upload);

[GenerateSerializer, Immutable, Alias("commerce.ReceivedContent")]
public sealed record ReceivedContent([property: Id(0)] string BlobKey, [property: Id(1)] long Size, [property: Id(2)] string Sha256);

[GenerateSerializer, Immutable, Alias("commerce.ContentReceived")]
public sealed record ContentReceived([property: Id(0)] UploadReceipt Receipt, [property: Id(1)] UploadView? Upload);

[GenerateSerializer, Alias("commerce.UploadReceipt")]
public enum UploadReceipt
{
    Accepted,
    NotFound,

    /// <summary>Content was already received (or the upload was decided): a second PUT is refused.</summary>
    NotPending,
}

[GenerateSerializer, Alias("commerce.UploadStatus")]
public enum UploadStatus
{
    PendingUpload,
    Uploaded,
    Processing,
    Valid,
    Rejected,
}

[GenerateSerializer, Immutable, Alias("commerce.UploadView")]
public sealed record UploadView(
    [property: Id(0)] string Id,
    [property: Id(1)] string OwnerId,
    [property: Id(2)] string FileName,
    [property: Id(3)] string ContentType,
    [property: Id(4)] long DeclaredSize,
    [property: Id(5)] UploadStatus Status,
    [property: Id(6)] long? Size,
    [property: Id(7)] string? Sha256,
    [property: Id(8)] string? Reason,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] DateTimeOffset ExpiresAt,
    [property: Id(11)] DateTimeOffset UpdatedAt);
