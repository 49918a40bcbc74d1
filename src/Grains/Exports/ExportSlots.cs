using Microsoft.Extensions.Options;

namespace Grains.Exports;

/// <summary>
/// The silo's export slots (<see cref="ExportOptions.MaxRunningPerSilo"/>): a job runs only while it holds one, so a
/// burst of exports cannot take every database connection and all the memory of a silo. A job waits for its slot in
/// the background, <c>PENDING</c>.
/// </summary>
public sealed class ExportSlots(IOptions<ExportOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxRunningPerSilo, options.Value.MaxRunningPerSilo);

    /// <summary>Waits for a slot; dispose the answer to give it back.</summary>
    public async Task<IDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Slot(_slots);
    }

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
