using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MimeKit;

namespace Commerce.Testing;

/// <summary>A mail the sink accepted: the SMTP envelope and the message as MimeKit reads it.</summary>
public sealed record ReceivedMail(string? MailFrom, IReadOnlyList<string> Recipients, MimeMessage Message)
{
    public string? Subject => Message.Subject;

    public string? MessageId => Message.MessageId;

    public string Text => Message.TextBody ?? "";
}

/// <summary>
/// A real SMTP server for tests: tools/smtp-sink (Nodemailer's smtp-server, as ./test.sh installs it with npm ci) on a
/// free loopback port, plain text, no authentication. It prints a line per mail, so a test awaits "N mails received"
/// (<see cref="WaitForMailsAsync"/>) instead of polling a mailbox. It can also hold replies back (a slow server: the
/// client waits with its mail unacknowledged), defer mails with 451, and refuse an address with 550.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private const string InstallHint = "./test.sh installs it; by hand: npm ci --prefix tools/smtp-sink --ignore-scripts.";
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly LineWaiters<string> _lines = new();
    private readonly Lock _lock = new();
    private readonly List<ReceivedMail> _mails = [];
    private readonly List<(Func<IReadOnlyList<ReceivedMail>, bool> Condition, TaskCompletionSource<IReadOnlyList<ReceivedMail>> Met)> _waiters = [];
    private readonly List<string> _recentOutput = [];
    private readonly TaskCompletionSource<int> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SmtpSink(Process process) => _process = process;

    public static string Directory { get; } = Path.Combine(BuiltProject.RepositoryRoot, "tools", "smtp-sink");

    public string Host => "127.0.0.1";

    public int Port { get; private set; }

    /// <summary>The mails accepted so far, in the order accepted.</summary>
    public IReadOnlyList<ReceivedMail> Mails
    {
        get
        {
            lock (_lock)
            {
                return [.. _mails];
            }
        }
    }

    /// <summary>What the sink wrote lately (mails shortened), for failure messages.</summary>
    public string RecentOutput
    {
        get
        {
            lock (_recentOutput)
            {
                return string.Join('\n', _recentOutput);
            }
        }
    }

    public static async Task<SmtpSink> StartAsync(CancellationToken cancellationToken = default)
    {
        var script = Path.Combine(Directory, "smtp-sink.js");
        if (!File.Exists(Path.Combine(Directory, "node_modules", "smtp-server", "package.json")))
        {
            throw new InvalidOperationException($"The SMTP sink's smtp-server package is not installed in {Directory}. {InstallHint}");
        }

        var start = new ProcessStartInfo("node", [script, "0"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var sink = new SmtpSink(process);
        process.OutputDataReceived += (_, line) => sink.OnLine(line.Data, fromStdout: true);
        process.ErrorDataReceived += (_, line) => sink.OnLine(line.Data, fromStdout: false);
        process.Exited += (_, _) => sink._listening.TrySetException(new InvalidOperationException($"The SMTP sink exited before listening:\n{sink.RecentOutput}"));
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException($"Node.js (node) was not found; the SMTP sink runs on it. {InstallHint}", exception);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            sink.Port = await sink._listening.Task.WaitAsync(s_startTimeout, cancellationToken).ConfigureAwait(false);
            return sink;
        }
        catch
        {
            await sink.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Completes once <paramref name="count"/> mails have been accepted (at once if they have), with all accepted by then.</summary>
    public Task<IReadOnlyList<ReceivedMail>> WaitForMailsAsync(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return WaitUntilAsync(mails => mails.Count >= count);
    }

    /// <summary>Completes once a mail satisfying <paramref name="match"/> has been accepted, with all accepted by then.</summary>
    public Task<IReadOnlyList<ReceivedMail>> WaitForMailAsync(Func<ReceivedMail, bool> match)
        => WaitUntilAsync(mails => mails.Any(match));

    /// <summary>Completes once the mails accepted so far satisfy <paramref name="condition"/> (checked at each mail), with them.</summary>
    public Task<IReadOnlyList<ReceivedMail>> WaitUntilAsync(Func<IReadOnlyList<ReceivedMail>, bool> condition)
    {
        lock (_lock)
        {
            IReadOnlyList<ReceivedMail> snapshot = [.. _mails];
            if (condition(snapshot))
            {
                return Task.FromResult(snapshot);
            }

            var met = new TaskCompletionSource<IReadOnlyList<ReceivedMail>>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((condition, met));
            return met.Task;
        }
    }

    /// <summary>Completes with the next line from now on whose <c>event</c> is <paramref name="eventName"/> (held, dropped, deferred…).</summary>
    public Task<string> NextEvent(string eventName) => _lines.Next(line => EventOf(line) == eventName);

    /// <summary>From now on each mail's reply is held back until <see cref="ReleaseAsync"/>: its client waits, unacknowledged.</summary>
    public Task HoldAsync() => CommandAsync("hold");

    /// <summary>Accepts the held mails whose clients are still there and answers at once again.</summary>
    public Task ReleaseAsync() => CommandAsync("release");

    /// <summary>Answers the next <paramref name="count"/> mails with 451 (try again later).</summary>
    public Task DeferAsync(int count) => CommandAsync($"defer {count.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Answers RCPT TO for <paramref name="address"/> with 550 from now on.</summary>
    public Task RefuseAsync(string address) => CommandAsync($"refuse {address}");

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    private async Task CommandAsync(string command)
    {
        var applied = _lines.Next(line => EventOf(line) == "ok" && Field(line, "command") == command);
        await _process.StandardInput.WriteLineAsync(command).ConfigureAwait(false);
        await _process.StandardInput.FlushAsync().ConfigureAwait(false);
        await applied.WaitAsync(s_commandTimeout).ConfigureAwait(false);
    }

    private void OnLine(string? line, bool fromStdout)
    {
        if (line is null)
        {
            return;
        }

        if (fromStdout && EventOf(line) is { } name)
        {
            if (name == "listening" && int.TryParse(Field(line, "port"), CultureInfo.InvariantCulture, out var port))
            {
                _listening.TrySetResult(port);
            }
            else if (name == "received")
            {
                Received(line);
            }
        }

        Remember(line.Length > 300 ? line[..300] + "…" : line);
        _lines.Offer(line);
    }

    private void Received(string line)
    {
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        using var raw = new MemoryStream(Convert.FromBase64String(root.GetProperty("raw").GetString()!));
        var mail = new ReceivedMail(
            root.GetProperty("mail_from").GetString(),
            [.. root.GetProperty("rcpt_to").EnumerateArray().Select(address => address.GetString()!)],
            MimeMessage.Load(raw));

        List<(TaskCompletionSource<IReadOnlyList<ReceivedMail>> Met, IReadOnlyList<ReceivedMail> Mails)> met;
        lock (_lock)
        {
            _mails.Add(mail);
            IReadOnlyList<ReceivedMail> snapshot = [.. _mails];
            var satisfied = _waiters.Where(w => w.Condition(snapshot)).ToList();
            _waiters.RemoveAll(satisfied.Contains);
            met = [.. satisfied.Select(w => (w.Met, snapshot))];
        }

        met.ForEach(waiter => waiter.Met.TrySetResult(waiter.Mails));
    }

    private static string? EventOf(string line) => Field(line, "event");

    private static string? Field(string line, string name)
    {
        if (!line.StartsWith('{'))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(line);
            return json.RootElement.TryGetProperty(name, out var value)
                ? value.ValueKind == JsonValueKind.Number ? value.GetRawText() : value.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void Remember(string line)
    {
        lock (_recentOutput)
        {
            _recentOutput.Add(line);
            if (_recentOutput.Count > 100)
            {
                _recentOutput.RemoveAt(0);
            }
        }
    }
}
