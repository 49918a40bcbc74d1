using BlobStorage;
using Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grains.Uploads;

/// <summary>
/// An upload: its declaration, the content a front end streamed to the blob store, and the validation of that content
/// (case C9). The validation reads only the blob's size and first bytes, runs at once in a timer once the content is
/// recorded, and is made durable by a reminder registered before the content is: a silo lost between the content and
/// the verdict leaves the reminder, which runs the check on another silo. A rejected upload's blob is deleted before
/// the upload is marked REJECTED.
/// </summary>
public sealed partial class UploadGrain(
    [PersistentState("upload", StorageNames.Commerce)] IPersistentState<UploadState> upload,
    IBlobStore blobs,
    IOptions<UploadValidationOptions> options,
    TimeProvider time,
    ILogger<UploadGrain> logger) : Grain, IUploadGrain, IRemindable
{
    private const string Validation = "validate-upload";

    private UploadState State => upload.State;

    private string UploadId => this.GetPrimaryKeyString();

    public async Task<UploadCreation> Create(CreateUpload command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (State.Exists)
        {
            var same = State.OwnerId == command.OwnerId && State.FileName == command.FileName && State.ContentType == command.ContentType
                && State.DeclaredSize == command.DeclaredSize;
            return same ? new UploadCreation(UploadCreationStatus.AlreadyExists, State.View(UploadId)) : new UploadCreation(UploadCreationStatus.Conflict, null);
        }

        var now = time.GetUtcNow();
        State.Exists = true;
        State.OwnerId = command.OwnerId;
        State.FileName = command.FileName;
        State.ContentType = command.ContentType;
        State.DeclaredSize = command.DeclaredSize;
        State.Status = UploadStatus.PendingUpload;
        State.ExpiresAt = command.ExpiresAt;
        State.CreatedAt = State.UpdatedAt = now;
        await PersistAsync();
        return new UploadCreation(UploadCreationStatus.Created, State.View(UploadId));
    }

    public Task<UploadView?> Get() => Task.FromResult(State.Exists ? State.View(UploadId) : null);

    public Task<UploadReceipt> CanReceive()
        => Task.FromResult(!State.Exists ? UploadReceipt.NotFound : State.Status == UploadStatus.PendingUpload ? UploadReceipt.Accepted : UploadReceipt.NotPending);

    public async Task<ContentReceived> Received(ReceivedContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!State.Exists)
        {
            return new ContentReceived(UploadReceipt.NotFound, null);
        }

        if (State.Status != UploadStatus.PendingUpload)
        {
            return new ContentReceived(UploadReceipt.NotPending, null);
        }

        // The reminder first: if the silo is lost after the content is recorded, the reminder is what checks it. A
        // tick that finds no content recorded (the write below failed) only unregisters itself.
        var period = options.Value.ValidationRetryPeriod;
        await this.RegisterOrUpdateReminder(Validation, period, period);
        State.Status = UploadStatus.Uploaded;
        State.BlobKey = content.BlobKey;
        State.Size = content.Size;
        State.Sha256 = content.Sha256;
        State.UpdatedAt = time.GetUtcNow();
        await PersistAsync();

        // Checked right after this call returns, off the front end's request: the PUT is answered UPLOADED.
        this.RegisterGrainTimer(_ => ValidateAsync(), new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        return new ContentReceived(UploadReceipt.Accepted, State.View(UploadId));
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == Validation)
        {
            await ValidateAsync();
        }
    }

    /// <summary>
    /// Brings the upload to a verdict from wherever it stands; every step can run again after a crash. A rejection is
    /// recorded in three steps — its reason (still PROCESSING), the content deleted, then REJECTED — so a REJECTED
    /// upload never has content left in the store, and a rerun after a crash keeps the first reason.
    /// </summary>
    private async Task ValidateAsync()
    {
        if (State.Status is not (UploadStatus.Uploaded or UploadStatus.Processing))
        {
            await StopValidationAsync();
            return;
        }

        if (State.Status == UploadStatus.Uploaded)
        {
            State.Status = UploadStatus.Processing;
            State.UpdatedAt = time.GetUtcNow();
            await PersistAsync();
        }

        if (State.Reason is null)
        {
            if (await CheckAsync(State.BlobKey!) is not { } reason)
            {
                State.Status = UploadStatus.Valid;
                State.UpdatedAt = time.GetUtcNow();
                await PersistAsync();
                await StopValidationAsync();
                return;
            }

            State.Reason = reason;
            State.UpdatedAt = time.GetUtcNow();
            await PersistAsync();
            LogRejected(logger, UploadId, reason);
        }

        await blobs.DeleteAsync(State.BlobKey!, CancellationToken.None);
        State.Status = UploadStatus.Rejected;
        State.UpdatedAt = time.GetUtcNow();
        await PersistAsync();
        await StopValidationAsync();
    }

    /// <summary>Why the stored content is not what was declared, or null when it is: its size, then its first bytes.</summary>
    private async Task<string?> CheckAsync(string blobKey)
    {
        // One read for both: the size and the first bytes (on S3 a ranged GET, never the whole object).
        if (await blobs.ReadStartAsync(blobKey, UploadContentTypes.SignatureLength, CancellationToken.None) is not { } start)
        {
            return "The content is missing from the store.";
        }

        if (start.Size != State.DeclaredSize)
        {
            return $"The content is {start.Size} bytes, not the {State.DeclaredSize} declared.";
        }

        return UploadContentTypes.Matches(State.ContentType, start.Head)
            ? null
            : $"The content does not start as {State.ContentType} does.";
    }

    /// <summary>
    /// Writes the state changed in memory. Should the write fail, this activation goes, so that the next call or
    /// reminder tick reads what is stored rather than a change that never landed (a VALID in memory over a PROCESSING
    /// stored would stop the reminder and leave the upload without a verdict for good).
    /// </summary>
    private async Task PersistAsync()
    {
        try
        {
            await upload.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    private async Task StopValidationAsync()
    {
        if (await this.GetReminder(Validation) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    [LoggerMessage(310, LogLevel.Information, "Upload {UploadId} rejected: {Reason} Its content is deleted.", EventName = "UploadRejected")]
    private static partial void LogRejected(ILogger logger, string uploadId, string reason);
}
