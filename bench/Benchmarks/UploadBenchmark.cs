using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Commerce.Testing;

namespace Benchmarks;

/// <summary>
/// Case C9: one large upload (1 GiB; 32 MiB in --smoke) through the front end as a process (the embedded mode: its silo
/// in process, the filesystem store in a temporary folder). The body is generated as it is sent (a PNG signature, then
/// a repeating buffer), never held whole anywhere. Measured: throughput of the PUT, and the front end's peak resident
/// memory above its idle level (VmHWM after the upload − VmRSS before it, the peak reset with /proc/&lt;pid&gt;/clear_refs
/// first). Fails when the upload is refused, the stored size or SHA-256 differs, or the upload does not become VALID;
/// in a full run also when the peak is more than 100 MiB above idle. Sizes and rates are in MiB (2^20 bytes); the JSON
/// keys and the last line keep their "mb" names (mb_per_s, peak_rss_delta_mb), in MiB.
/// </summary>
public static class UploadBenchmark
{
    private const long FullSize = 1024L * 1024 * 1024;
    private const long SmokeSize = 32L * 1024 * 1024;
    private const double PeakTargetMb = 100;
    private const string SigningKey = "upload-benchmark-signing-key-0123456789abcdef";

    public static async Task<int> RunAsync(BenchmarkArguments arguments)
    {
        var size = arguments.Smoke ? SmokeSize : FullSize;
        var loadBefore = ResultsFile.LoadAverage();
        var work = Directory.CreateTempSubdirectory("bench-upload-").FullName;
        var blobs = Path.Combine(work, "blobs");
        var logs = Path.Combine(work, "logs");
        Directory.CreateDirectory(logs);
        try
        {
            await using var frontEnd = WebFrontendProcess.Start("", SigningKey, logs, new Dictionary<string, string>
            {
                // No database: the front end hosts its silo, on in-memory storage.
                ["ConnectionStrings__Postgres"] = "",
                ["Endpoints__SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
                ["Endpoints__GatewayPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
                ["Frontend__SeedDemoData"] = "false",
                ["BlobStorage__Path"] = blobs,
                ["Logging__LogLevel__Default"] = "Warning",
            }, name: "upload-frontend");
            using var http = new HttpClient { BaseAddress = frontEnd.BaseAddress, Timeout = TimeSpan.FromMinutes(30) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", BenchmarkTokens.Sign(SigningKey, "bench-uploader", "customer"));
            await frontEnd.WaitUntilReadyAsync(http, TimeSpan.FromMinutes(2));

            // A small upload first, so what the path needs once (JIT, pools, the grain's type) is in the idle level.
            var warmUp = await UploadAsync(http, 64 * 1024);
            if (warmUp.Problem is not null)
            {
                Console.Error.WriteLine($"upload: the warm-up upload failed: {warmUp.Problem}");
                return 1;
            }

            var idleRss = Memory(frontEnd.ProcessId, "VmRSS");
            await File.WriteAllTextAsync($"/proc/{frontEnd.ProcessId}/clear_refs", "5");
            var run = await UploadAsync(http, size);
            var peak = Memory(frontEnd.ProcessId, "VmHWM");
            var deltaMb = (peak - idleRss) / 1024.0 / 1024.0;
            var mbPerSecond = size / 1024.0 / 1024.0 / run.PutSeconds;
            var storedSize = run.Id is null ? -1 : Directory.GetFiles(Path.Combine(blobs, "blobs", "uploads", run.Id)).Sum(f => new FileInfo(f).Length);

            Console.WriteLine($"{"bytes",14} {"put_s",8} {"MiB/s",8} {"idle_rss_mb",12} {"peak_rss_mb",12} {"delta_mb",9} {"status",8}");
            Console.WriteLine($"{size,14} {run.PutSeconds,8:0.00} {mbPerSecond,8:0.0} {idleRss / 1048576.0,12:0.0} {peak / 1048576.0,12:0.0} {deltaMb,9:0.0} {run.Status,8}");
            var document = ResultsFile.Header("upload", arguments, loadBefore);
            document["scenario"] = "one PUT of a generated PNG body through the front end process (embedded mode, filesystem store), streamed to the store";
            document["bytes"] = size;
            document["put_seconds"] = Math.Round(run.PutSeconds, 3);
            document["mb_per_s"] = Math.Round(mbPerSecond, 1);
            document["idle_rss_mb"] = Math.Round(idleRss / 1048576.0, 1);
            document["peak_rss_mb"] = Math.Round(peak / 1048576.0, 1);
            document["peak_rss_delta_mb"] = Math.Round(deltaMb, 1);
            document["peak_rss_delta_target_mb"] = PeakTargetMb;
            document["stored_bytes"] = storedSize;
            document["status"] = run.Status;
            await ResultsFile.WriteAsync(arguments, "upload", document);

            var failed = run.Problem ?? (storedSize != size ? $"the store holds {storedSize} bytes, not {size}"
                : run.Status != "VALID" ? $"the upload ended {run.Status}, not VALID"
                : !arguments.Smoke && deltaMb > PeakTargetMb ? $"the front end's peak was {deltaMb:0.0} MiB above idle (target ≤ {PeakTargetMb} MiB)" : null);
            if (failed is not null)
            {
                Console.Error.WriteLine($"upload: {failed} (front end log: {logs})");
            }

            Console.WriteLine(FormattableString.Invariant($"upload: bytes={size} mb_per_s={mbPerSecond:0.0} peak_rss_delta_mb={deltaMb:0.0}"));
            return failed is null ? 0 : 1;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Asks for a link, PUTs <paramref name="size"/> generated bytes to it, and waits for the verdict (polling: a benchmark, not a test).</summary>
    private static async Task<UploadRun> UploadAsync(HttpClient http, long size)
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/uploads")
        {
            Content = JsonContent.Create(new JsonObject { ["file_name"] = "bench.png", ["content_type"] = "image/png", ["size"] = size }),
        };
        create.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var created = await http.SendAsync(create);
        if (created.StatusCode != HttpStatusCode.Created)
        {
            return new UploadRun(null, 0, "", $"POST /uploads answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
        }

        var link = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        var id = link["id"]!.GetValue<string>();
        var body = new GeneratedPng(size);
        using var content = new StreamContent(body, 1024 * 1024);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        content.Headers.ContentLength = size;
        var clock = Stopwatch.StartNew();
        using var put = await http.PutAsync(link["upload_url"]!.GetValue<string>(), content);
        var seconds = clock.Elapsed.TotalSeconds;
        if (put.StatusCode != HttpStatusCode.Created)
        {
            return new UploadRun(id, seconds, "", $"PUT answered {(int)put.StatusCode}: {await put.Content.ReadAsStringAsync()}");
        }

        var sha256 = body.Sha256();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var upload = JsonNode.Parse(await http.GetStringAsync($"/api/v1/uploads/{id}"))!;
            var status = upload["status"]!.GetValue<string>();
            if (status is "VALID" or "REJECTED" || deadline.Elapsed > TimeSpan.FromMinutes(2))
            {
                var recorded = upload["sha256"]?.GetValue<string>();
                return recorded == sha256
                    ? new UploadRun(id, seconds, status, null)
                    : new UploadRun(id, seconds, status, $"the recorded SHA-256 {recorded} is not the {sha256} sent");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>A field of /proc/&lt;pid&gt;/status in bytes (VmRSS, VmHWM: given in kB).</summary>
    private static long Memory(int processId, string field)
    {
        var line = File.ReadLines($"/proc/{processId}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    private sealed record UploadRun(string? Id, double PutSeconds, string Status, string? Problem);

    /// <summary>
    /// <paramref name="size"/> bytes made as they are read: a PNG signature, then one 64 KiB pattern over and over,
    /// hashed as they go so the run can compare what the server recorded.
    /// </summary>
    private sealed class GeneratedPng(long size) : Stream
    {
        private static readonly byte[] s_pattern = Pattern();
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _position;

        private string? _sha256;

        /// <summary>The SHA-256 of every byte, once all were read (the HTTP content disposes the stream after sending it).</summary>
        public string Sha256() => _sha256 ?? throw new InvalidOperationException("The body was not read to its end.");

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var count = (int)Math.Min(buffer.Length, size - _position);
            for (var written = 0; written < count;)
            {
                var at = (int)((_position + written) % s_pattern.Length);
                var chunk = Math.Min(count - written, s_pattern.Length - at);
                s_pattern.AsSpan(at, chunk).CopyTo(buffer[written..]);
                written += chunk;
            }

            _hash.AppendData(buffer[..count]);
            _position += count;
            if (_position == size && _sha256 is null)
            {
                _sha256 = Convert.ToHexStringLower(_hash.GetHashAndReset());
            }

            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => size;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }

        /// <summary>The PNG signature, then bytes of a pattern: the whole body repeats it, so it starts as a PNG does.</summary>
        private static byte[] Pattern()
        {
            var pattern = new byte[64 * 1024];
            for (var i = 0; i < pattern.Length; i++)
            {
                pattern[i] = (byte)(i * 131 + 17);
            }

            ((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]).CopyTo(pattern);
            return pattern;
        }
    }
}
