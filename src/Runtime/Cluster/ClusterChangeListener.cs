using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Runtime.Cluster;

/// <summary>
/// Listens on PostgreSQL's <c>runtime_cluster</c> channel, so a silo rebalances as soon as another joins, leaves or
/// releases partitions instead of at its next lease cycle. Only a shortcut: polling alone is correct.
/// </summary>
internal sealed partial class ClusterChangeListener(
    NpgsqlDataSource dataSource,
    [FromKeyedServices(ClusterClock.Key)] TimeProvider clock,
    ILogger<ClusterChangeListener> logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _listening = Task.CompletedTask;

    public void Start(Action onChange) => _listening = ListenAsync(onChange, _stopping.Token);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _listening.ConfigureAwait(false);
    }

    private async Task ListenAsync(Action onChange, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stopping).ConfigureAwait(false);
                connection.Notification += (_, _) => onChange();
                await using (var listen = new NpgsqlCommand($"LISTEN {ClusterTable.ChangeChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
                }

                // Anything may have changed while not listening.
                onChange();
                while (true)
                {
                    await connection.WaitAsync(stopping).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or System.IO.IOException or ObjectDisposedException)
            {
                LogListenFailed(logger, exception);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), clock, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(72, LogLevel.Warning, "Listening for cluster changes failed; reconnecting (lease cycles still run on their own).")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);
}
