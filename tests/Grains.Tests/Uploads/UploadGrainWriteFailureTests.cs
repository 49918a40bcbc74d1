using Grains.Persistence.Storage;
using Grains.Uploads;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace Grains.Tests.Uploads;

/// <summary>
/// A failed write of an upload's state leaves no change in memory that storage does not hold: the activation goes,
/// and the next call reads what is stored (a VALID kept only in memory would stop the reminder and no verdict would
/// ever be written).
/// </summary>
public sealed class UploadGrainWriteFailureTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_expiresAt = new(2026, 1, 1, 8, 15, 0, TimeSpan.Zero);

    private readonly FailingUploadStore _store = new();
    private CommerceCluster _commerce = null!;

    public async Task InitializeAsync()
        => _commerce = await CommerceCluster.StartAsync(services: services => services.AddSingleton<IGrainStateStore<UploadState>>(_store));

    public async Task DisposeAsync() => await _commerce.DisposeAsync();

    private IUploadGrain Upload(string id) => _commerce.Grains.GetGrain<IUploadGrain>(id);

    [Fact]
    public async Task A_declaration_whose_write_failed_is_not_there_for_the_next_call()
    {
        _store.FailNextWrite();

        var failed = await Assert.ThrowsAsync<OrleansException>(() => Upload("upl-unwritten").Create(new CreateUpload("alice", "a.png", "image/png", 100, s_expiresAt)));

        Assert.IsType<IOException>(failed.InnerException);
        Assert.Null(await Upload("upl-unwritten").Get());
        Assert.Equal(UploadReceipt.NotFound, await Upload("upl-unwritten").CanReceive());
    }

    [Fact]
    public async Task Content_whose_write_failed_is_not_recorded_and_the_upload_still_takes_it()
    {
        await Upload("upl-retry").Create(new CreateUpload("alice", "a.png", "image/png", 100, s_expiresAt));
        _store.FailNextWrite();

        var failed = await Assert.ThrowsAsync<OrleansException>(() => Upload("upl-retry").Received(new ReceivedContent("uploads/upl-retry/a", 100, new string('a', 64))));

        Assert.IsType<IOException>(failed.InnerException);
        Assert.Equal(UploadReceipt.Accepted, await Upload("upl-retry").CanReceive());
        var stored = (await Upload("upl-retry").Get())!;
        Assert.Equal((UploadStatus.PendingUpload, (string?)null), (stored.Status, stored.Sha256));
        var retried = await Upload("upl-retry").Received(new ReceivedContent("uploads/upl-retry/b", 100, new string('b', 64)));
        Assert.Equal((UploadReceipt.Accepted, new string('b', 64)), (retried.Receipt, retried.Upload!.Sha256));
    }

    /// <summary>The in-memory store, whose next write can be made to fail as a lost database connection would.</summary>
    private sealed class FailingUploadStore : IGrainStateStore<UploadState>
    {
        private readonly InMemoryStateStore<UploadState> _store = new();
        private int _failNext;

        public void FailNextWrite() => Volatile.Write(ref _failNext, 1);

        public Task<StoredState<UploadState>?> ReadAsync(string grainKey, CancellationToken cancellationToken) => _store.ReadAsync(grainKey, cancellationToken);

        public Task<long> WriteAsync(string grainKey, UploadState state, long? expectedEtag, CancellationToken cancellationToken)
            => Interlocked.Exchange(ref _failNext, 0) == 1
                ? Task.FromException<long>(new IOException("The database went away."))
                : _store.WriteAsync(grainKey, state, expectedEtag, cancellationToken);

        public Task ClearAsync(string grainKey, long expectedEtag, CancellationToken cancellationToken) => _store.ClearAsync(grainKey, expectedEtag, cancellationToken);
    }
}
