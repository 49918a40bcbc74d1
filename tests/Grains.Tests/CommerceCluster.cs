using System.Diagnostics.Metrics;
using Commerce.Testing;
using Grains.Orders;
using Grains.Payments;
using Grains.Persistence.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Grains.Tests;

/// <summary>
/// One Orleans test silo hosting the commerce grains on in-memory storage and reminders, on a fake clock (grains,
/// their timers and reminders follow it; the silo's own machinery keeps real time), with a switchable saga fault and a
/// scripted payment gateway.
/// </summary>
public sealed class CommerceCluster : IAsyncDisposable
{
    private readonly InProcessTestCluster _cluster;

    private CommerceCluster(InProcessTestCluster cluster, FakeTimeProvider time, InjectedSagaFault faults, CommerceOptions options)
    {
        _cluster = cluster;
        Time = time;
        Faults = faults;
        Options = options;
        Gateway = Services.GetRequiredService<ScriptedPaymentGateway>();
        GatewayCalls = new MetricCollector<long>(Services.GetRequiredService<IMeterFactory>(), PaymentGatewayMetrics.MeterName, PaymentGatewayMetrics.CallsName);
        Reminders = new ReminderProbe(cluster.Silos[0].SiloAddress);
    }

    public FakeTimeProvider Time { get; }

    public InjectedSagaFault Faults { get; }

    public ScriptedPaymentGateway Gateway { get; }

    /// <summary>Every status query the grains made since the cluster started, as the gateway metrics count them.</summary>
    public MetricCollector<long> GatewayCalls { get; }

    public CommerceOptions Options { get; }

    /// <summary>The silo's reminders: wait until one is armed before advancing <see cref="Time"/>, then for its tick.</summary>
    public ReminderProbe Reminders { get; }

    public IGrainFactory Grains => _cluster.Client;

    /// <summary>The silo's services: its reminder table, its meters.</summary>
    public IServiceProvider Services => _cluster.Silos[0].ServiceProvider;

    /// <param name="configure">Changes to the defaults, under which payments poll only after the payment window, so no
    /// poll tick lands among the expiry ticks the order tests count.</param>
    /// <param name="services">Services a test adds to the silo (its own stores, probes).</param>
    /// <param name="siloAfter">Changes made after the silo's own (a decorated storage provider).</param>
    public static async Task<CommerceCluster> StartAsync(
        Action<CommerceOptions>? configure = null, Action<IServiceCollection>? services = null, Action<ISiloBuilder>? siloAfter = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero));
        var faults = new InjectedSagaFault();
        var commerce = new CommerceOptions { ExpiryCheckPeriod = TimeSpan.FromSeconds(10), PaymentPollInterval = TimeSpan.FromMinutes(20) };
        configure?.Invoke(commerce);
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Services.UseGrainClock(time);
            host.Services.AddSingleton<IOrderSagaFaults>(faults);
            host.Services.AddSingleton<ScriptedPaymentGateway>();
            host.Services.AddSingleton<IPaymentGateway>(provider => provider.GetRequiredService<ScriptedPaymentGateway>());
            host.Services.Configure<CommerceOptions>(options => Copy(commerce, options));
            host.Services.Configure<VnPayOptions>(options => (options.TmnCode, options.HashSecret) = ("TESTSHOP", "test-hash-secret"));
            services?.Invoke(host.Services);
        });
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Configure<ReminderOptions>(options =>
            {
                options.MinimumReminderPeriod = TimeSpan.FromSeconds(1);

                // Every reminder stays armed on the clock, however far its next tick: a test advances time only once
                // the reminder it means to fire waits on it (Orleans otherwise reloads distant ones on a later refresh).
                options.ReminderLoadingWindow = TimeSpan.FromDays(2);
            });
            silo.UseInMemoryStorage();
            silo.AddCommerce();
            siloAfter?.Invoke(silo);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new CommerceCluster(cluster, time, faults, commerce);
    }

    public async ValueTask DisposeAsync()
    {
        GatewayCalls.Dispose();
        Reminders.Dispose();
        await _cluster.DisposeAsync();
    }

    private static void Copy(CommerceOptions from, CommerceOptions to)
    {
        to.PaymentWindow = from.PaymentWindow;
        to.HoldGrace = from.HoldGrace;
        to.SaleMemory = from.SaleMemory;
        to.ExpiryCheckPeriod = from.ExpiryCheckPeriod;
        to.PaymentPollInterval = from.PaymentPollInterval;
        to.Currency = from.Currency;
        to.IdempotencyRetention = from.IdempotencyRetention;
        to.IdempotencyInFlightLease = from.IdempotencyInFlightLease;
        to.IdempotencyPurgePeriod = from.IdempotencyPurgePeriod;
        to.IdempotencyPurgeBatchSize = from.IdempotencyPurgeBatchSize;
        to.WalletDedupeWindow = from.WalletDedupeWindow;
    }
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
