using LoadTest.Measuring;
using LoadTest.Scenarios;

namespace LoadTest.Running;

/// <summary>
/// Runs a scenario with one worker loop per concurrency slot until the first of: the number of iterations started,
/// the duration, an interrupt (Ctrl+C). Iterations already started finish (each is bounded by request timeouts), so a
/// checkout in flight is never cut in half and counted lost. A fatal error (a request that would leave this machine)
/// stops every worker at once.
/// </summary>
public sealed class LoadRunner(TimeProvider time)
{
    public async Task<RunOutcome> RunAsync(Scenario scenario, RunStats stats, long requests, TimeSpan duration, int concurrency, CancellationToken interrupt)
    {
        using var deadline = new CancellationTokenSource(duration, time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, interrupt);
        using var abort = new CancellationTokenSource();
        Exception? fatal = null;
        var started = time.GetTimestamp();
        long next = -1;

        async Task WorkAsync()
        {
            while (!stop.IsCancellationRequested && !abort.IsCancellationRequested)
            {
                var iteration = Interlocked.Increment(ref next);
                if (iteration >= requests)
                {
                    return;
                }

                try
                {
                    await scenario.RunOnceAsync(iteration, abort.Token);
                    stats.IterationDone();
                }
                catch (OperationCanceledException) when (abort.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    Interlocked.CompareExchange(ref fatal, exception, null);
                    await abort.CancelAsync();
                    return;
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(WorkAsync)));
        var stoppedBy = fatal is not null ? "error"
            : interrupt.IsCancellationRequested ? "interrupted"
            : Interlocked.Read(ref next) >= requests ? "requests"
            : "duration";
        return new RunOutcome(time.GetElapsedTime(started), stoppedBy, fatal);
    }
}
