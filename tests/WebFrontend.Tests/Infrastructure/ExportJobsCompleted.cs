using System.Collections.Concurrent;
using Grains.Exports;
using Microsoft.Extensions.Logging;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>
/// The silos' "Export {JobId}: completed" log events, as a signal naming the job: a test waits for its own job, not for
/// whichever job of the shared cluster ends first. Registered as a logger provider of each silo, with its own filter so
/// it hears the export jobs' information events while the silos otherwise log warnings only.
/// </summary>
public sealed class ExportJobsCompleted : ILoggerProvider
{
    /// <summary>The grain's LogCompleted event.</summary>
    private const int CompletedEventId = 3;

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _jobs = new(StringComparer.Ordinal);

    public static string Category => typeof(ExportJobGrain).FullName!;

    /// <summary>Completes once a silo logged <paramref name="jobId"/> completed (its state is stored by then).</summary>
    public Task Completed(string jobId) => Of(jobId).Task.WaitAsync(TimeSpan.FromMinutes(1));

    public ILogger CreateLogger(string categoryName) => categoryName == Category ? new Listener(this) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose()
    {
    }

    private TaskCompletionSource Of(string jobId) => _jobs.GetOrAdd(jobId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private sealed class Listener(ExportJobsCompleted signal) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == CompletedEventId && state is IReadOnlyList<KeyValuePair<string, object?>> fields
                && fields.FirstOrDefault(f => f.Key == "JobId").Value is string jobId)
            {
                signal.Of(jobId).TrySetResult();
            }
        }
    }
}
