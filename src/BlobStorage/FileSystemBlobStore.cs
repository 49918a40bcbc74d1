using System.Security.Cryptography;

namespace BlobStorage;

/// <summary>
/// Blobs as files under one folder (<c>BlobStorage:Path</c>), shared by every process on the machine: a blob is
/// written to a temporary file and renamed into place, so it appears whole or not at all; parts are files of their
/// own until completed. Downloads go through the front end's signed path (<see cref="SignedBlobLinks"/>).
/// </summary>
public sealed class FileSystemBlobStore : IBlobStore
{
    private const int CopyBufferSize = 1024 * 1024;
    private readonly string _blobs;
    private readonly string _parts;
    private readonly SignedBlobLinks? _links;

    public FileSystemBlobStore(string root, SignedBlobLinks? links)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        _blobs = Path.Combine(Path.GetFullPath(root), "blobs");
        _parts = Path.Combine(Path.GetFullPath(root), "parts");
        Directory.CreateDirectory(_blobs);
        Directory.CreateDirectory(_parts);
        _links = links;
    }

    public async Task<BlobInfo> WriteAsync(string key, Stream content, string contentType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = BlobPath(key);
        var temporary = Path.Combine(_parts, $"{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var file = CreateFile(temporary))
            {
                await content.CopyToAsync(file, CopyBufferSize, cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            return Publish(temporary, path);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public Task<string> StartPartsAsync(string key, string contentType, CancellationToken cancellationToken)
    {
        BlobKey.Check(key);
        var writeId = Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(Path.Combine(_parts, writeId));
        return Task.FromResult(writeId);
    }

    public async Task<BlobPart> WritePartAsync(string key, string writeId, int number, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        BlobKey.Check(key);
        BlobParts.CheckNumber(number);
        var folder = PartsFolder(writeId);
        if (!Directory.Exists(folder))
        {
            throw new BlobWriteNotFoundException(key, writeId);
        }

        // A part written again replaces the earlier one whole: written aside, then renamed over it.
        var path = PartPath(folder, number);
        var temporary = path + ".tmp";
        await using (var file = CreateFile(temporary))
        {
            await file.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        return new BlobPart(number, Convert.ToHexStringLower(SHA256.HashData(content.Span))[..32]);
    }

    public async Task<BlobInfo> CompletePartsAsync(string key, string writeId, IReadOnlyList<BlobPart> parts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var path = BlobPath(key);
        var folder = PartsFolder(writeId);
        if (!Directory.Exists(folder))
        {
            // Completed before, by a writer that crashed before it could record so: the blob is there.
            return File.Exists(path) ? new BlobInfo(new FileInfo(path).Length) : throw new BlobWriteNotFoundException(key, writeId);
        }

        // Checked before a byte is joined, as S3 checks them: in order from 1, and every part but the last at least
        // S3's 5 MiB, so a writer that works here works on S3 too.
        for (var i = 0; i < parts.Count; i++)
        {
            if (parts[i].Number != i + 1)
            {
                throw new ArgumentException("Parts are completed in order from 1, each once.", nameof(parts));
            }

            if (i < parts.Count - 1 && new FileInfo(PartPath(folder, parts[i].Number)) is { Exists: true, Length: < BlobParts.MinimumSize } small)
            {
                throw new ArgumentException($"Part {parts[i].Number} is {small.Length} bytes: every part but the last holds at least {BlobParts.MinimumSize}.", nameof(parts));
            }
        }

        var joined = Path.Combine(folder, "joined.tmp");
        await using (var file = CreateFile(joined))
        {
            foreach (var part in parts)
            {
                await using var source = new FileStream(PartPath(folder, part.Number), FileMode.Open, FileAccess.Read, FileShare.Read, CopyBufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
                await source.CopyToAsync(file, CopyBufferSize, cancellationToken).ConfigureAwait(false);
            }

            file.Flush(flushToDisk: true);
        }

        var info = Publish(joined, path);
        Directory.Delete(folder, recursive: true);
        return info;
    }

    public Task AbortPartsAsync(string key, string writeId, CancellationToken cancellationToken)
    {
        BlobKey.Check(key);
        var folder = PartsFolder(writeId);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        return Task.CompletedTask;
    }

    public Task<BlobInfo?> GetInfoAsync(string key, CancellationToken cancellationToken)
    {
        var file = new FileInfo(BlobPath(key));
        return Task.FromResult(file.Exists ? new BlobInfo(file.Length) : null);
    }

    public async Task<BlobStart?> ReadStartAsync(string key, int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        FileStream file;
        try
        {
            file = new FileStream(BlobPath(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        await using (file.ConfigureAwait(false))
        {
            var head = new byte[(int)Math.Min(count, file.Length)];
            var read = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return new BlobStart(file.Length, head.AsMemory(0, read));
        }
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult<Stream>(new FileStream(BlobPath(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, CopyBufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BlobNotFoundException(key);
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var path = BlobPath(key);
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // File.Delete forgives a missing file but not a missing folder: no blob was ever under this prefix.
        }

        return Task.CompletedTask;
    }

    public Uri CreateDownloadLink(string key, string fileName, string contentType, DateTimeOffset expiresAt)
        => (_links ?? throw new InvalidOperationException("Only a front end signs download links to the filesystem store.")).Create(key, fileName, contentType, expiresAt);

    private string BlobPath(string key)
    {
        BlobKey.Check(key);
        return Path.Combine(_blobs, key);
    }

    private string PartsFolder(string writeId)
    {
        if (writeId.Length != 32 || !writeId.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException($"'{writeId}' is not a write of this store.", nameof(writeId));
        }

        return Path.Combine(_parts, writeId);
    }

    private static string PartPath(string folder, int number) => Path.Combine(folder, number.ToString("D5", System.Globalization.CultureInfo.InvariantCulture));

    private static FileStream CreateFile(string path)
        => new(path, FileMode.Create, FileAccess.Write, FileShare.None, CopyBufferSize, FileOptions.Asynchronous);

    private static BlobInfo Publish(string temporary, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var size = new FileInfo(temporary).Length;
        File.Move(temporary, path, overwrite: true);
        return new BlobInfo(size);
    }
}
