using CustomerNotifications;
using Messaging.RabbitMq;

namespace Commerce.Testing;

/// <summary>
/// The notifications worker (the build of src/Notifications) as a real process, on a free loopback port, its output in
/// a log file. Tests wait on its log: <see cref="Consuming"/> once the consumer has declared its queue and consumes,
/// <see cref="NextLog"/> for anything else.
/// </summary>
public sealed class NotificationsWorker : IAsyncDisposable
{
    private const int ConsumingEventId = 1;
    private const int HandledEventId = 1;
    private const int DuplicateEventId = 2;
    private readonly ChildProcess _process;
    private readonly LineWaiters<WorkerLogEntry> _log = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _consuming = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _stderr = [];
    private readonly List<string> _handled = [];
    private readonly List<(HashSet<string> Pending, TaskCompletionSource Done)> _handledWaiters = [];

    private NotificationsWorker(string name, IReadOnlyDictionary<string, string> environment, string logDirectory)
    {
        LogFile = Path.Combine(logDirectory, $"{name}.log");
        _process = ChildProcess.Start(name, BuiltProject.Dll("Notifications"), environment, logDirectory, ["--urls", "http://127.0.0.1:0"], OnLine, code =>
        {
            var failure = new InvalidOperationException($"The worker {name} exited with {code}; see {LogFile}.");
            _listening.TrySetException(failure);
            _consuming.TrySetException(failure);
            _exited.TrySetResult(code);
        });
    }

    public string LogFile { get; }

    /// <summary>Where its health endpoints are, once it listens.</summary>
    public Task<Uri> Listening => _listening.Task;

    /// <summary>Completes when the consumer first consumes (its queue declared and bound); faults if the process exits.</summary>
    public Task Consuming => _consuming.Task;

    /// <summary>The exit code, once the process has exited.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>What it wrote that was not a JSON log entry (start-up refusals go to stderr).</summary>
    public string PlainOutput
    {
        get
        {
            lock (_stderr)
            {
                return string.Join('\n', _stderr);
            }
        }
    }

    /// <summary>Starts src/Notifications with <paramref name="settings"/> as environment variables (<c>RabbitMq__Uri</c>, …).</summary>
    public static NotificationsWorker Start(string name, IReadOnlyDictionary<string, string> settings, string logDirectory)
    {
        var environment = new Dictionary<string, string>(settings)
        {
            // The host's lines ("Now listening on") and the consumer's are the signals tests wait for.
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        };
        return new NotificationsWorker(name, environment, logDirectory);
    }

    /// <summary>Completes with the first log entry from now on that satisfies <paramref name="match"/>.</summary>
    public Task<WorkerLogEntry> NextLog(Func<WorkerLogEntry, bool> match) => _log.Next(match);

    /// <summary>The next time the consumer starts consuming (after a reconnect).</summary>
    public Task<WorkerLogEntry> NextConsuming() => NextLog(entry => entry.IsFrom<RabbitMqEventConsumer>(ConsumingEventId));

    /// <summary>
    /// Completes once the worker has acted on <paramref name="eventId"/> and marked it in its inbox (the handler logs
    /// after the mark; the mail is in the sink before that).
    /// </summary>
    public Task<WorkerLogEntry> Handled(Guid eventId)
        => NextLog(entry => entry.IsFrom<NotificationHandler>(HandledEventId) && entry.Message.Contains(eventId.ToString(), StringComparison.Ordinal));

    /// <summary>
    /// Completes once the worker has acted on an event in trace <paramref name="traceId"/> (hex) and marked it in its
    /// inbox: the handler's line, written in its span of the event.
    /// </summary>
    public Task<WorkerLogEntry> HandledInTrace(string traceId)
        => NextLog(entry => entry.IsFrom<NotificationHandler>(HandledEventId) && entry.TraceId == traceId);

    /// <summary>Completes once the worker has been handed <paramref name="eventId"/> again and skipped it, its inbox saying it was handled.</summary>
    public Task<WorkerLogEntry> SkippedAsDuplicate(Guid eventId)
        => NextLog(entry => entry.IsFrom<NotificationHandler>(DuplicateEventId) && entry.Message.Contains(eventId.ToString(), StringComparison.Ordinal));

    /// <summary>kill -9: no shutdown code runs; unacknowledged deliveries go back to the queue broker-side.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>
    /// Completes once the worker has acted on every one of <paramref name="eventIds"/> and marked it in its inbox,
    /// whether before this call or after: the mail reaches the sink before the mark, so a count of mails is not this.
    /// </summary>
    public Task HandledAllAsync(IEnumerable<Guid> eventIds)
    {
        var pending = eventIds.Select(id => id.ToString()).ToHashSet(StringComparer.Ordinal);
        lock (_handled)
        {
            pending.RemoveWhere(id => _handled.Any(message => message.Contains(id, StringComparison.Ordinal)));
            if (pending.Count == 0)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _handledWaiters.Add((pending, done));
            return done.Task;
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private void OnLine(string line)
    {
        if (WorkerLogEntry.Parse(line) is not { } entry)
        {
            lock (_stderr)
            {
                _stderr.Add(line);
            }

            return;
        }

        if (entry.Category == "Microsoft.Hosting.Lifetime" && entry.Message.StartsWith("Now listening on: ", StringComparison.Ordinal))
        {
            _listening.TrySetResult(new Uri(entry.Message["Now listening on: ".Length..].Trim()));
        }
        else if (entry.IsFrom<RabbitMqEventConsumer>(ConsumingEventId))
        {
            _consuming.TrySetResult();
        }
        else if (entry.IsFrom<NotificationHandler>(HandledEventId))
        {
            lock (_handled)
            {
                _handled.Add(entry.Message);
                foreach (var (pending, done) in _handledWaiters)
                {
                    if (pending.RemoveWhere(id => entry.Message.Contains(id, StringComparison.Ordinal)) > 0 && pending.Count == 0)
                    {
                        done.TrySetResult();
                    }
                }

                _handledWaiters.RemoveAll(waiter => waiter.Pending.Count == 0);
            }
        }

        _log.Offer(entry);
    }
}
