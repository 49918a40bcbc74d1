using Grains.Orders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Runtime;
using Runtime.TestingHost;

namespace Grains.Tests;

/// <summary>An in-memory silo hosting the commerce grains, on a manual clock, with a switchable saga fault.</summary>
public sealed class CommerceCluster : IAsyncDisposable
{
    private readonly TestCluster _cluster;

    private CommerceCluster(TestCluster cluster, ManualTimeProvider time, InjectedSagaFault faults, CommerceOptions options)
    {
        _cluster = cluster;
        Time = time;
        Faults = faults;
        Options = options;
    }

    public ManualTimeProvider Time { get; }

    public InjectedSagaFault Faults { get; }

    public CommerceOptions Options { get; }

    public IGrainFactory Grains => _cluster.GrainFactory;

    public TestSilo Silo => _cluster.Silos[0];

    public static async Task<CommerceCluster> StartAsync()
    {
        var time = new ManualTimeProvider();
        var faults = new InjectedSagaFault();
        // Payments poll after the payment window: no poll tick lands among the expiry ticks the tests count.
        var commerce = new CommerceOptions { ExpiryCheckPeriod = TimeSpan.FromSeconds(10), PaymentPollInterval = TimeSpan.FromMinutes(20) };
        var options = new TestClusterOptions
        {
            TimeProvider = time,
            ConfigureSilo = silo =>
            {
                silo.MinimumReminderPeriod = TimeSpan.FromSeconds(1);
                silo.ReminderPollInterval = TimeSpan.FromSeconds(5);
            },
            ConfigureServices = services =>
            {
                services.AddSingleton(commerce);
                services.Replace(ServiceDescriptor.Singleton<IOrderSagaFaults>(faults));
                services.AddSingleton<Grains.Payments.IPaymentGateway>(new SilentPaymentGateway());
            },
        };
        options.GrainAssemblies.Add(typeof(OrderGrain).Assembly);
        return new CommerceCluster(await TestCluster.StartAsync(options), time, faults, commerce);
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();
}

/// <summary>Throws at one chosen saga step, once armed.</summary>
public sealed class InjectedSagaFault : IOrderSagaFaults
{
    private OrderSagaStep? _armed;

    public void FailAt(OrderSagaStep step) => _armed = step;

    public ValueTask At(OrderSagaStep step, string orderId)
        => _armed == step
            ? ValueTask.FromException(new InvalidOperationException($"Injected failure at {step} of order {orderId}."))
            : ValueTask.CompletedTask;
}
