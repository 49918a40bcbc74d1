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

    private CommerceCluster(TestCluster cluster, ManualTimeProvider time, InjectedSagaFault faults, ScriptedPaymentGateway gateway, CommerceOptions options)
    {
        _cluster = cluster;
        Time = time;
        Faults = faults;
        Gateway = gateway;
        Options = options;
    }

    public ManualTimeProvider Time { get; }

    public InjectedSagaFault Faults { get; }

    public ScriptedPaymentGateway Gateway { get; }

    public CommerceOptions Options { get; }

    public IGrainFactory Grains => _cluster.GrainFactory;

    public TestSilo Silo => _cluster.Silos[0];

    /// <param name="configure">Changes to the defaults, under which payments poll only after the payment window, so no
    /// poll tick lands among the expiry ticks the order tests count.</param>
    public static async Task<CommerceCluster> StartAsync(Action<CommerceOptions>? configure = null)
    {
        var time = new ManualTimeProvider();
        var faults = new InjectedSagaFault();
        var gateway = new ScriptedPaymentGateway();
        var commerce = new CommerceOptions { ExpiryCheckPeriod = TimeSpan.FromSeconds(10), PaymentPollInterval = TimeSpan.FromMinutes(20) };
        configure?.Invoke(commerce);
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
                services.AddSingleton<Grains.Payments.IPaymentGateway>(gateway);
            },
        };
        options.GrainAssemblies.Add(typeof(OrderGrain).Assembly);
        return new CommerceCluster(await TestCluster.StartAsync(options), time, faults, gateway, commerce);
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();
}

/// <summary>Throws at one chosen step, once armed, until disarmed.</summary>
public sealed class InjectedSagaFault : IOrderSagaFaults
{
    private OrderSagaStep? _armed;

    public void FailAt(OrderSagaStep step) => _armed = step;

    public void Disarm() => _armed = null;

    public ValueTask At(OrderSagaStep step, string orderId)
        => _armed == step
            ? ValueTask.FromException(new InvalidOperationException($"Injected failure at {step} of order {orderId}."))
            : ValueTask.CompletedTask;
}
