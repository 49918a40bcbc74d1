using System.Reflection;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace BlobStorage.Tests;

/// <summary>
/// A whole write that fails after its multipart upload started aborts the upload; when the abort fails too, however it
/// fails, the write's own failure is the one reported (a body over its limit stays a 413 upstream) and the abort's is logged.
/// </summary>
public sealed class S3AbortFailureTests
{
    public static TheoryData<string> AbortFailures => ["client", "timeout", "cancelled", "service"];

    [Theory]
    [MemberData(nameof(AbortFailures))]
    public async Task A_failed_abort_is_logged_and_the_writes_own_failure_is_reported(string abortFailure)
    {
        var client = DispatchProxy.Create<IAmazonS3, AbortFailingS3>();
        ((AbortFailingS3)(object)client).AbortFailure = abortFailure switch
        {
            "client" => new AmazonClientException("The connection was reset."),
            "timeout" => new TimeoutException("The abort timed out."),
            "cancelled" => new OperationCanceledException("The abort was cancelled."),
            _ => new AmazonS3Exception("Slow down.") { ErrorCode = "SlowDown" },
        };
        var logger = new FakeLogger<S3BlobStore>();
        var store = new S3BlobStore(client, "commerce-files", logger: logger);

        // Past the first 8 MiB part, so the multipart upload has started when the body fails.
        var failure = await Assert.ThrowsAsync<IOException>(() => store.WriteAsync(
            "tests/abort/failed.bin", new GeneratedStream(20L * 1024 * 1024, seed: 81, failAfter: 12L * 1024 * 1024), "application/octet-stream", default));

        Assert.Equal("The client went away.", failure.Message);
        var logged = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal((LogLevel.Warning, "BlobAbortFailed"), (logged.Level, logged.Id.Name));
        Assert.Same(((AbortFailingS3)(object)client).AbortFailure, logged.Exception);
    }

    /// <summary>An S3 client that starts uploads and takes parts, and fails every abort with <see cref="AbortFailure"/>.</summary>
    public class AbortFailingS3 : DispatchProxy
    {
        public Exception AbortFailure { get; set; } = null!;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
        {
            nameof(IAmazonS3.InitiateMultipartUploadAsync) => Task.FromResult(new InitiateMultipartUploadResponse { UploadId = "write-1" }),
            nameof(IAmazonS3.UploadPartAsync) => Task.FromResult(new UploadPartResponse { ETag = "\"part\"" }),
            nameof(IAmazonS3.AbortMultipartUploadAsync) => Task.FromException<AbortMultipartUploadResponse>(AbortFailure),
            nameof(IDisposable.Dispose) => null,
            _ => throw new NotSupportedException($"{targetMethod?.Name} is not part of this test."),
        };
    }
}
