using System.Net;

namespace BlobStorage.Tests;

/// <summary>
/// What every <see cref="IBlobStore"/> does, run against each store (FileSystemBlobStoreTests, S3BlobStoreTests):
/// the exports and uploads built on the interface may not tell which one they write to.
/// </summary>
[Collection(BlobStoreCollection.Name)]
public abstract class BlobStoreConformanceTests
{
    private const int Mebibyte = 1024 * 1024;

    /// <summary>A store instance of its own, as a new process (a resumed writer) would have, on the same storage.</summary>
    protected abstract IBlobStore NewStore();

    /// <summary>Writes started and neither completed nor aborted, as the storage holds them.</summary>
    protected abstract int OpenWrites();

    /// <summary>Fetches a download link over HTTP, as a browser would: no credentials.</summary>
    protected abstract Task<HttpResponseMessage> FetchAsync(Uri link);

    /// <summary>The same link with its signature changed.</summary>
    protected abstract Uri Tamper(Uri link);

    /// <summary>A link to <paramref name="key"/> that has expired by the time it is fetched.</summary>
    protected abstract Task<Uri> ExpiredLinkAsync(IBlobStore store, string key);

    /// <summary>Asserts the store's refusal of a bad link: 403, in the store's own terms.</summary>
    protected abstract Task AssertLinkRefusedAsync(HttpResponseMessage response);

    /// <summary>Whether the storage itself refuses a part under 5 MiB that is not the last (s3rver does not; S3 and the filesystem store do).</summary>
    protected virtual bool RefusesSmallParts => true;

    private static string NewKey(string name) => $"tests/{Guid.NewGuid():N}/{name}";

    [Fact]
    public async Task A_whole_write_reads_back_and_a_second_write_replaces_it()
    {
        var store = NewStore();
        var key = NewKey("whole.bin");
        var first = TestContent.Bytes(1000, seed: 1);
        var second = TestContent.Bytes(3000, seed: 2);

        Assert.Equal(new BlobInfo(1000), await store.WriteAsync(key, new MemoryStream(first), "application/octet-stream", default));
        Assert.Equal(first, await ReadAllAsync(store, key));
        Assert.Equal(new BlobInfo(3000), await store.WriteAsync(key, new MemoryStream(second), "application/octet-stream", default));
        Assert.Equal(second, await ReadAllAsync(store, key));
        Assert.Equal(new BlobInfo(3000), await store.GetInfoAsync(key, default));

        await store.DeleteAsync(key, default);
        Assert.Null(await store.GetInfoAsync(key, default));
    }

    [Fact]
    public async Task An_empty_body_is_an_empty_blob()
    {
        var store = NewStore();
        var key = NewKey("empty.txt");

        Assert.Equal(new BlobInfo(0), await store.WriteAsync(key, new MemoryStream(), "text/plain", default));
        Assert.Empty(await ReadAllAsync(store, key));
    }

    [Fact]
    public async Task Twenty_megabytes_stream_in_from_a_body_that_cannot_seek()
    {
        var store = NewStore();
        var key = NewKey("large.bin");
        const long length = 20L * Mebibyte + 12345;
        var expected = TestContent.Sha256(TestContent.Bytes((int)length, seed: 3));

        Assert.Equal(new BlobInfo(length), await store.WriteAsync(key, new GeneratedStream(length, seed: 3), "application/octet-stream", default));

        Assert.Equal(new BlobInfo(length), await store.GetInfoAsync(key, default));
        await using var read = await store.OpenReadAsync(key, default);
        Assert.Equal(expected, await TestContent.Sha256Async(read));
        Assert.Equal(0, OpenWrites());
    }

    [Fact]
    public async Task A_large_write_never_holds_its_body_in_memory()
    {
        var store = NewStore();
        var key = NewKey("flat.bin");
        const long length = 64L * Mebibyte;

        // Allocations of the whole process (the suite's classes share a collection, so none runs meanwhile): a store
        // that buffered the body would allocate at least its size; one part buffer (pooled) and copies are far less.
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await store.WriteAsync(key, new GeneratedStream(length, seed: 5), "application/octet-stream", default);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.InRange(allocated, 0, 24L * Mebibyte);
        Assert.Equal(new BlobInfo(length), await store.GetInfoAsync(key, default));
        await store.DeleteAsync(key, default);
    }

    [Fact]
    public async Task Parts_make_the_blob_in_order_and_a_part_written_again_replaces_the_first()
    {
        var store = NewStore();
        var key = NewKey("parts.csv");
        var part1 = TestContent.Bytes(BlobParts.MinimumSize, seed: 11);
        var part2Lost = TestContent.Bytes(BlobParts.MinimumSize, seed: 12);
        var part2 = TestContent.Bytes(BlobParts.MinimumSize, seed: 13);
        var part3 = TestContent.Bytes(777, seed: 14);

        var writeId = await store.StartPartsAsync(key, "text/csv", default);
        var written1 = await store.WritePartAsync(key, writeId, 1, part1, default);
        await store.WritePartAsync(key, writeId, 2, part2Lost, default);
        var written2 = await store.WritePartAsync(key, writeId, 2, part2, default);
        var written3 = await store.WritePartAsync(key, writeId, 3, part3, default);
        Assert.Null(await store.GetInfoAsync(key, default));

        var info = await store.CompletePartsAsync(key, writeId, [written1, written2, written3], default);

        Assert.Equal(new BlobInfo(2L * BlobParts.MinimumSize + 777), info);
        byte[] expected = [.. part1, .. part2, .. part3];
        Assert.Equal(expected, await ReadAllAsync(store, key));
        Assert.Equal(0, OpenWrites());
    }

    [Fact]
    public async Task A_resumed_writer_completes_the_write_an_earlier_one_started()
    {
        var key = NewKey("resumed.csv");
        var part1 = TestContent.Bytes(BlobParts.MinimumSize, seed: 21);
        var part2 = TestContent.Bytes(4096, seed: 22);

        // The first writer records its write id and part 1, then its process is gone.
        var first = NewStore();
        var writeId = await first.StartPartsAsync(key, "text/csv", default);
        var written1 = await first.WritePartAsync(key, writeId, 1, part1, default);

        var resumed = NewStore();
        var written2 = await resumed.WritePartAsync(key, writeId, 2, part2, default);
        var info = await resumed.CompletePartsAsync(key, writeId, [written1, written2], default);

        Assert.Equal(new BlobInfo(BlobParts.MinimumSize + 4096L), info);
        byte[] expected = [.. part1, .. part2];
        Assert.Equal(expected, await ReadAllAsync(NewStore(), key));
    }

    [Fact]
    public async Task Completing_twice_answers_the_completed_blob()
    {
        var store = NewStore();
        var key = NewKey("twice.csv");
        var content = TestContent.Bytes(2048, seed: 31);
        var writeId = await store.StartPartsAsync(key, "text/csv", default);
        var part = await store.WritePartAsync(key, writeId, 1, content, default);
        var completed = await store.CompletePartsAsync(key, writeId, [part], default);

        // A writer that crashed before recording its completion completes again after restarting.
        var again = await NewStore().CompletePartsAsync(key, writeId, [part], default);

        Assert.Equal(completed, again);
        Assert.Equal(content, await ReadAllAsync(store, key));
    }

    [Fact]
    public async Task An_aborted_write_leaves_nothing()
    {
        var store = NewStore();
        var key = NewKey("aborted.csv");
        var writeId = await store.StartPartsAsync(key, "text/csv", default);
        await store.WritePartAsync(key, writeId, 1, TestContent.Bytes(BlobParts.MinimumSize, seed: 41), default);
        Assert.Equal(1, OpenWrites());

        await store.AbortPartsAsync(key, writeId, default);

        Assert.Equal(0, OpenWrites());
        Assert.Null(await store.GetInfoAsync(key, default));
        await Assert.ThrowsAsync<BlobWriteNotFoundException>(() => store.WritePartAsync(key, writeId, 2, TestContent.Bytes(10, seed: 42), default));
        Assert.Equal(0, OpenWrites());
        await Assert.ThrowsAsync<BlobWriteNotFoundException>(() => store.CompletePartsAsync(key, writeId, [new BlobPart(1, "lost")], default));
        Assert.Null(await store.GetInfoAsync(key, default));

        // Aborting again (a retried cleanup) is no error.
        await store.AbortPartsAsync(key, writeId, default);
    }

    [Fact]
    public async Task Parts_out_of_order_are_refused()
    {
        var store = NewStore();
        var key = NewKey("order.csv");
        var writeId = await store.StartPartsAsync(key, "text/csv", default);
        var part1 = await store.WritePartAsync(key, writeId, 1, TestContent.Bytes(BlobParts.MinimumSize, seed: 51), default);
        var part2 = await store.WritePartAsync(key, writeId, 2, TestContent.Bytes(10, seed: 52), default);

        await Assert.ThrowsAsync<ArgumentException>(() => store.CompletePartsAsync(key, writeId, [part2, part1], default));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.WritePartAsync(key, writeId, 0, TestContent.Bytes(10, seed: 53), default));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.WritePartAsync(key, writeId, BlobParts.MaximumCount + 1, TestContent.Bytes(10, seed: 53), default));

        Assert.Null(await store.GetInfoAsync(key, default));
        await store.AbortPartsAsync(key, writeId, default);
        Assert.Equal(0, OpenWrites());
    }

    [Fact]
    public async Task Every_part_but_the_last_holds_at_least_the_minimum_size()
    {
        if (!RefusesSmallParts)
        {
            return;
        }

        var store = NewStore();
        var key = NewKey("small-parts.csv");
        var writeId = await store.StartPartsAsync(key, "text/csv", default);
        var part1 = await store.WritePartAsync(key, writeId, 1, TestContent.Bytes(BlobParts.MinimumSize - 1, seed: 55), default);
        var part2 = await store.WritePartAsync(key, writeId, 2, TestContent.Bytes(10, seed: 56), default);

        await Assert.ThrowsAsync<ArgumentException>(() => store.CompletePartsAsync(key, writeId, [part1, part2], default));

        Assert.Null(await store.GetInfoAsync(key, default));
        var last = TestContent.Bytes(BlobParts.MinimumSize - 1, seed: 57);
        var only = await store.WritePartAsync(key, writeId, 1, last, default);
        Assert.Equal(new BlobInfo(BlobParts.MinimumSize - 1), await store.CompletePartsAsync(key, writeId, [only], default));
        Assert.Equal(0, OpenWrites());
    }

    [Fact]
    public async Task The_start_of_a_blob_comes_with_its_whole_size()
    {
        var store = NewStore();
        var key = NewKey("start.bin");
        var content = TestContent.Bytes(3 * Mebibyte, seed: 58);
        await store.WriteAsync(key, new MemoryStream(content), "application/octet-stream", default);
        var shortKey = NewKey("short.bin");
        await store.WriteAsync(shortKey, new MemoryStream([1, 2, 3]), "application/octet-stream", default);
        var emptyKey = NewKey("empty.bin");
        await store.WriteAsync(emptyKey, new MemoryStream(), "application/octet-stream", default);

        var start = await store.ReadStartAsync(key, 12, default);
        var shortStart = await store.ReadStartAsync(shortKey, 12, default);
        var emptyStart = await store.ReadStartAsync(emptyKey, 12, default);

        Assert.Equal(3L * Mebibyte, start!.Size);
        Assert.Equal(content[..12], start.Head.ToArray());
        Assert.Equal(3L, shortStart!.Size);
        Assert.Equal([1, 2, 3], shortStart.Head.ToArray());
        Assert.Equal((0L, 0), (emptyStart!.Size, emptyStart.Head.Length));
        Assert.Null(await store.ReadStartAsync(NewKey("missing.bin"), 12, default));
    }

    [Fact]
    public async Task A_missing_blob_is_not_found()
    {
        var store = NewStore();
        var key = NewKey("missing.bin");

        Assert.Null(await store.GetInfoAsync(key, default));
        var missing = await Assert.ThrowsAsync<BlobNotFoundException>(() => store.OpenReadAsync(key, default));
        Assert.Equal(key, missing.Key);
        await store.DeleteAsync(key, default);
    }

    [Theory]
    [InlineData("")]
    [InlineData("../escape")]
    [InlineData("a/../b")]
    [InlineData("a//b")]
    [InlineData("/rooted")]
    [InlineData("trailing/")]
    [InlineData("space in.txt")]
    [InlineData("back\\slash")]
    [InlineData("query?x=1")]
    public async Task An_invalid_key_is_refused_before_anything_is_touched(string key)
    {
        var store = NewStore();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.WriteAsync(key, new MemoryStream([1]), "text/plain", default));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.StartPartsAsync(key, "text/plain", default));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.GetInfoAsync(key, default));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.OpenReadAsync(key, default));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.DeleteAsync(key, default));
        Assert.ThrowsAny<ArgumentException>(() => store.CreateDownloadLink(key, "a.txt", "text/plain", DateTimeOffset.UtcNow.AddHours(1)));
        Assert.Equal(0, OpenWrites());
    }

    [Fact]
    public async Task A_whole_write_that_fails_midway_leaves_no_blob_and_keeps_the_one_it_would_replace()
    {
        var store = NewStore();
        var fresh = NewKey("failed.bin");
        var replaced = NewKey("kept.bin");
        var kept = TestContent.Bytes(100, seed: 61);
        await store.WriteAsync(replaced, new MemoryStream(kept), "application/octet-stream", default);

        // Past the first part, so a store writing in parts has started a multipart write when the body fails.
        const long failAfter = 12L * Mebibyte;
        await Assert.ThrowsAsync<IOException>(() => store.WriteAsync(fresh, new GeneratedStream(20L * Mebibyte, seed: 62, failAfter), "application/octet-stream", default));
        await Assert.ThrowsAsync<IOException>(() => store.WriteAsync(replaced, new GeneratedStream(20L * Mebibyte, seed: 63, failAfter), "application/octet-stream", default));

        Assert.Null(await store.GetInfoAsync(fresh, default));
        Assert.Equal(kept, await ReadAllAsync(store, replaced));
        Assert.Equal(0, OpenWrites());
    }

    [Fact]
    public async Task A_whole_write_cancelled_midway_leaves_no_blob()
    {
        var store = NewStore();
        var key = NewKey("cancelled.bin");
        using var cancellation = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.WriteAsync(
            key, new GeneratedStream(20L * Mebibyte, seed: 71, failAfter: 12L * Mebibyte, cancellation), "application/octet-stream", cancellation.Token));

        Assert.Null(await store.GetInfoAsync(key, default));
        Assert.Equal(0, OpenWrites());
    }

    [Fact]
    public async Task A_download_link_gives_the_exact_bytes_as_an_attachment_of_the_signed_type()
    {
        var store = NewStore();
        var key = NewKey("orders.csv");
        var content = TestContent.Bytes(300_000, seed: 81);
        await store.WriteAsync(key, new MemoryStream(content), "application/octet-stream", default);
        const string fileName = "đơn hàng 2026-01.csv";

        var link = store.CreateDownloadLink(key, fileName, "text/csv", DateTimeOffset.UtcNow.AddHours(1));
        using var response = await FetchAsync(link);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var disposition = response.Content.Headers.ContentDisposition;
        Assert.NotNull(disposition);
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal(fileName, disposition.FileNameStar);
        Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_tampered_link_is_refused()
    {
        var store = NewStore();
        var key = NewKey("secret.csv");
        await store.WriteAsync(key, new MemoryStream(TestContent.Bytes(100, seed: 91)), "text/csv", default);
        var link = store.CreateDownloadLink(key, "secret.csv", "text/csv", DateTimeOffset.UtcNow.AddHours(1));

        using var response = await FetchAsync(Tamper(link));

        await AssertLinkRefusedAsync(response);
    }

    [Fact]
    public async Task An_expired_link_is_refused()
    {
        var store = NewStore();
        var key = NewKey("old.csv");
        await store.WriteAsync(key, new MemoryStream(TestContent.Bytes(100, seed: 92)), "text/csv", default);

        using var response = await FetchAsync(await ExpiredLinkAsync(store, key));

        await AssertLinkRefusedAsync(response);
    }

    /// <summary>
    /// Changes the first character of a base64url or hex signature to another of the same alphabet (the first: a
    /// base64 string's last character may carry padding bits a decoder ignores).
    /// </summary>
    protected static string TamperSignature(string signature)
        => string.Concat(signature[0] == 'a' ? "b" : "a", signature[1..]);

    private static async Task<byte[]> ReadAllAsync(IBlobStore store, string key)
    {
        await using var stream = await store.OpenReadAsync(key, default);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}

/// <summary>The stores' suites one after the other: a test that measures the process's allocations needs it to itself.</summary>
[CollectionDefinition(Name)]
public sealed class BlobStoreCollection
{
    public const string Name = "blob stores";
}
