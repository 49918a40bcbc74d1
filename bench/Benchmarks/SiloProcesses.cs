using Commerce.Testing;

namespace Benchmarks;

/// <summary>Silo processes of the product (src/Silo) for the multi-process benchmarks: started together, stopped together.</summary>
public static class SiloProcesses
{
    /// <summary>
    /// Starts silo-1 … silo-N on the database with the benchmarks' merchant (the silo refuses to start without one)
    /// and <paramref name="settings"/> on top, and returns once every one has joined the cluster.
    /// </summary>
    public static async Task<List<SiloProcess>> StartAsync(
        int count, string connectionString, string logDirectory, IReadOnlyDictionary<string, string>? settings = null, TimeSpan? timeout = null)
    {
        var environment = Merchant.Environment();
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var silos = Enumerable.Range(1, count).Select(i => SiloProcess.Start($"silo-{i}", connectionString, logDirectory, environment)).ToList();
        try
        {
            var limit = timeout ?? TimeSpan.FromMinutes(2);
            await Task.WhenAll(silos.Select(s => s.Started)).WaitAsync(limit);
            return silos;
        }
        catch
        {
            await StopAsync(silos);
            throw;
        }
    }

    /// <summary>SIGTERM to every silo still running (a graceful leave), killed if it takes longer than 30 s.</summary>
    public static async Task StopAsync(IEnumerable<SiloProcess> silos)
    {
        var all = silos.ToList();
        await Task.WhenAll(all.Select(s => s.TerminateAsync(TimeSpan.FromSeconds(30))));
        foreach (var silo in all)
        {
            await silo.DisposeAsync();
        }
    }
}
