using Commerce.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Benchmarks;

/// <summary>
/// A production-shaped silo in the benchmark process (<see cref="InProcessSilo"/>: the product's PostgreSQL providers,
/// typed stores and failure detection) that also hosts this assembly's grains, which a silo process cannot load.
/// </summary>
public static class BenchmarkSilo
{
    public static Task<InProcessSilo> StartAsync(string connectionString, string name)
        => InProcessSilo.StartAsync(
            connectionString,
            name,
            Merchant.Configuration(),
            services => services.AddSerializer(serializer => serializer.AddAssembly(typeof(PingGrain).Assembly)));
}
