using Commerce.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Serialization;

namespace Benchmarks;

/// <summary>
/// A production-shaped silo in the benchmark process (<see cref="InProcessSilo"/>: the product's PostgreSQL providers,
/// typed stores and failure detection) that also hosts this assembly's grains, which a silo process cannot load. Its
/// warnings and errors (a dropped message, a suspected silo) go to the benchmark's console, prefixed with its name.
/// </summary>
public static class BenchmarkSilo
{
    public static Task<InProcessSilo> StartAsync(string connectionString, string name)
        => InProcessSilo.StartAsync(
            connectionString,
            name,
            Merchant.Configuration(),
            services =>
            {
                services.AddSerializer(serializer => serializer.AddAssembly(typeof(PingGrain).Assembly));
                services.AddLogging(logging => logging.AddSimpleConsole(console =>
                {
                    console.SingleLine = true;
                    console.TimestampFormat = $"HH:mm:ss.fff '[{name}]' ";
                }));
            });
}
