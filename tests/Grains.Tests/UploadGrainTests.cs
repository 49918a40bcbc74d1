using Grains.Uploads;

namespace Grains.Tests;

/// <summary>
/// The upload grain's rules for its declaration and its content (case C9); its validation runs through the front end
/// and the blob store in tests/WebFrontend.Tests/Uploads.
/// </summary>
public sealed class UploadGrainTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_expiresAt = new(2026, 1, 1, 8, 15, 0, TimeSpan.Zero);

    private CommerceCluster _commerce = null!;

    public async Task InitializeAsync() => _commerce = await CommerceCluster.StartAsync();

    public async Task DisposeAsync() => await _commerce.DisposeAsync();

    private IUploadGrain Upload(string id) => _commerce.Grains.GetGrain<IUploadGrain>(id);

    private static CreateUpload Declaration(long size = 1_000) => new("alice", "photo.png", "image/png", size, s_expiresAt);

    [Fact]
    public async Task A_declaration_repeated_answers_the_same_upload_and_another_under_the_same_id_is_a_conflict()
    {
        var created = await Upload("upl-1").Create(Declaration());
        var repeated = await Upload("upl-1").Create(Declaration());
        var other = await Upload("upl-1").Create(Declaration(size: 2_000));

        Assert.Equal(UploadCreationStatus.Created, created.Status);
        Assert.Equal(new UploadView("upl-1", "alice", "photo.png", "image/png", 1_000, UploadStatus.PendingUpload, null, null, null,
            _commerce.Time.GetUtcNow(), s_expiresAt, _commerce.Time.GetUtcNow()), created.Upload);
        Assert.Equal((UploadCreationStatus.AlreadyExists, created.Upload), (repeated.Status, repeated.Upload));
        Assert.Equal((UploadCreationStatus.Conflict, (UploadView?)null), (other.Status, other.Upload));
    }

    [Fact]
    public async Task Content_is_taken_once_and_only_for_a_declared_upload()
    {
        Assert.Equal(UploadReceipt.NotFound, await Upload("upl-missing").CanReceive());
        Assert.Equal(UploadReceipt.NotFound, (await Upload("upl-missing").Received(new ReceivedContent("uploads/upl-missing/a", 1_000, "ab"))).Receipt);
        Assert.Null(await Upload("upl-missing").Get());
        await Upload("upl-2").Create(Declaration());
        Assert.Equal(UploadReceipt.Accepted, await Upload("upl-2").CanReceive());

        var first = await Upload("upl-2").Received(new ReceivedContent("uploads/upl-2/a", 1_000, new string('a', 64)));
        var second = await Upload("upl-2").Received(new ReceivedContent("uploads/upl-2/b", 1_000, new string('b', 64)));

        Assert.Equal(UploadReceipt.Accepted, first.Receipt);
        Assert.Equal((UploadStatus.Uploaded, 1_000L, new string('a', 64)), (first.Upload!.Status, first.Upload.Size, first.Upload.Sha256));
        Assert.Equal((UploadReceipt.NotPending, (UploadView?)null), (second.Receipt, second.Upload));
        Assert.Equal(UploadReceipt.NotPending, await Upload("upl-2").CanReceive());
        Assert.Equal(new string('a', 64), (await Upload("upl-2").Get())!.Sha256);
    }
}
