using System.Diagnostics;
using System.Text.Json;

namespace Commerce.Testing;

/// <summary>
/// A real S3-compatible server for tests: tools/s3rver (s3rver, as ./test.sh installs it with npm ci) on a free
/// loopback port, its objects in a temporary folder deleted afterwards, with <see cref="Bucket"/> created. Path-style
/// requests, plain HTTP, access key and secret <c>S3RVER</c>. What the launcher adds to s3rver and what s3rver cannot
/// check are listed in tools/s3rver/s3rver.js.
/// </summary>
public sealed class S3Emulator : IAsyncDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";
    public const string Region = "us-east-1";

    private const string InstallHint = "./test.sh installs it; by hand: npm ci --prefix tools/s3rver --ignore-scripts.";
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _folder;
    private readonly List<string> _output = [];
    private readonly TaskCompletionSource<int> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private S3Emulator(Process process, string folder, string bucket)
    {
        _process = process;
        _folder = folder;
        Bucket = bucket;
    }

    public static string Directory { get; } = Path.Combine(BuiltProject.RepositoryRoot, "tools", "s3rver");

    public string Bucket { get; }

    public Uri ServiceUrl { get; private set; } = null!;

    /// <summary>The "BlobStorage" settings of an S3 store on this emulator, as a process would be configured.</summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["BlobStorage:Provider"] = "S3",
        ["BlobStorage:S3:ServiceUrl"] = ServiceUrl.ToString(),
        ["BlobStorage:S3:Region"] = Region,
        ["BlobStorage:S3:Bucket"] = Bucket,
        ["BlobStorage:S3:AccessKey"] = AccessKey,
        ["BlobStorage:S3:SecretKey"] = SecretKey,
        ["BlobStorage:S3:ForcePathStyle"] = "true",
    };

    /// <summary>What the emulator wrote lately, for failure messages.</summary>
    public string RecentOutput
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public static async Task<S3Emulator> StartAsync(string bucket = "commerce-blobs", CancellationToken cancellationToken = default)
    {
        var script = Path.Combine(Directory, "s3rver.js");
        if (!File.Exists(Path.Combine(Directory, "node_modules", "s3rver", "package.json")))
        {
            throw new InvalidOperationException($"The S3 emulator's s3rver package is not installed in {Directory}. {InstallHint}");
        }

        var folder = Path.Combine(Path.GetTempPath(), $"s3rver-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(folder);

        // stdin stays open while the emulator should run: the launcher exits when it closes, so a crashed test run
        // leaves no server behind.
        var start = new ProcessStartInfo("node", [script, folder, "0", bucket])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var emulator = new S3Emulator(process, folder, bucket);
        process.OutputDataReceived += (_, line) => emulator.OnLine(line.Data);
        process.ErrorDataReceived += (_, line) => emulator.OnLine(line.Data);
        process.Exited += (_, _) => emulator._listening.TrySetException(new InvalidOperationException($"The S3 emulator exited before listening:\n{emulator.RecentOutput}"));
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            System.IO.Directory.Delete(folder, recursive: true);
            throw new InvalidOperationException($"Node.js (node) was not found; the S3 emulator runs on it. {InstallHint}", exception);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var port = await emulator._listening.Task.WaitAsync(s_startTimeout, cancellationToken).ConfigureAwait(false);
            emulator.ServiceUrl = new Uri($"http://127.0.0.1:{port}/");
            return emulator;
        }
        catch
        {
            await emulator.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Multipart uploads the bucket holds open (started, neither completed nor aborted), read from the emulator's
    /// folder: s3rver has no ListMultipartUploads.
    /// </summary>
    public int OpenUploads()
    {
        var uploads = Path.Combine(_folder, Bucket, "._S3rver_uploads");
        return System.IO.Directory.Exists(uploads) ? System.IO.Directory.GetDirectories(uploads).Length : 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
        if (System.IO.Directory.Exists(_folder))
        {
            System.IO.Directory.Delete(_folder, recursive: true);
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
            if (_output.Count > 100)
            {
                _output.RemoveAt(0);
            }
        }

        if (line.StartsWith("{\"event\":\"listening\"", StringComparison.Ordinal))
        {
            using var json = JsonDocument.Parse(line);
            _listening.TrySetResult(json.RootElement.GetProperty("port").GetInt32());
        }
    }
}
