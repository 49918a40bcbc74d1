using System.Diagnostics.Metrics;
using Grains.Orders;
using Grains.Outbox;
using Grains.Products;
using IntegrationEvents;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;

namespace Grains.Tests.Outbox;

/// <summary>
/// Case C18 in the embedded mode: the relays deliver every outbox event to the consumer in this process, once marked
/// never again, again after a failure before the mark, and after the consumer comes back when it failed — each
/// relay on the grains' clock, which the test advances past its poll or its back-off.
/// </summary>
public sealed class OutboxRelayTests : IAsyncLifetime
{
    private readonly RecordingEventHandler _consumer = new();
    private readonly HaltAfterPublish _faults = new();
    private CommerceCluster _commerce = null!;
    private OutboxOptions _outbox = null!;

    public async Task InitializeAsync()
    {
        _commerce = await CommerceCluster.StartAsync(services: services =>
        {
            services.AddSingleton<IIntegrationEventHandler>(_consumer);
            services.AddSingleton<IOutboxRelayFaults>(_faults);
        });
        _outbox = _commerce.Services.GetRequiredService<IOptions<OutboxOptions>>().Value;
        await _commerce.Grains.GetGrain<IProductGrain>("mouse").Create(new NewProduct("Mouse", 500_000, 100));
    }

    public async Task DisposeAsync() => await _commerce.DisposeAsync();

    [Fact]
    public async Task Every_event_reaches_the_consumer_once_and_each_orders_events_in_the_order_raised()
    {
        // Each order raises two events: cancelled, then (money arriving for it after all) a refund.
        var orders = Enumerable.Range(1, 12).Select(i => $"o-relay-{i}").ToList();
        foreach (var order in orders)
        {
            var placed = (await PlaceAsync(order)).Order!;
            var grain = _commerce.Grains.GetGrain<IOrderGrain>(order);
            await grain.Cancel();
            var late = await grain.ConfirmPayment(new ConfirmPayment(placed.Payment!.Id, $"T-{order}", placed.Total, _commerce.Time.GetUtcNow()));
            Assert.Equal(PaymentConfirmation.RefundRequired, late);
        }

        await NextPollAsync();
        await _consumer.ReceivedAsync(2 * orders.Count).WaitAsync(TimeSpan.FromSeconds(30));
        await NextPollAsync();

        var received = _consumer.Received;
        Assert.Equal(2 * orders.Count, received.Count);
        Assert.All(received.GroupBy(e => e.AggregateId), order =>
            Assert.Equal([EventTypes.OrderCancelled, EventTypes.PaymentRefundRequired], order.Select(e => e.Type)));
        Assert.Equal(orders.Order(), received.Select(e => e.AggregateId).Distinct().Order());
    }

    [Fact]
    public async Task A_batch_published_but_not_marked_when_its_relay_failed_is_published_again()
    {
        await PlaceAsync("o-unmarked");
        _faults.Arm();
        await _commerce.Grains.GetGrain<IOrderGrain>("o-unmarked").Cancel();

        await NextPollAsync();
        await _faults.Halted.WaitAsync(TimeSpan.FromSeconds(30));
        await BackoffAsync(failures: 1);
        await _consumer.ReceivedAsync(2).WaitAsync(TimeSpan.FromSeconds(30));
        await NextPollAsync();

        var received = _consumer.Received;
        Assert.Equal(2, received.Count);
        Assert.Equal(received[0], received[1]);
    }

    [Fact]
    public async Task While_the_consumer_fails_the_relay_backs_off_the_lag_grows_and_nothing_is_lost()
    {
        using var failures = new MetricCollector<long>(_commerce.Services.GetRequiredService<IMeterFactory>(), OutboxMetrics.MeterName, OutboxMetrics.PublishFailuresName);
        var metrics = _commerce.Services.GetRequiredService<OutboxMetrics>();
        await PlaceAsync("o-outage");
        _consumer.FailNext(3);
        await _commerce.Grains.GetGrain<IOrderGrain>("o-outage").Cancel();

        await NextPollAsync();
        await failures.WaitForMeasurementsAsync(1).WaitAsync(TimeSpan.FromSeconds(30));

        // The event has waited one poll on the grains' clock, and the lag says exactly that.
        Assert.Equal(_outbox.PollInterval.TotalSeconds, metrics.Lag(), precision: 9);
        for (var failure = 1; failure <= 3; failure++)
        {
            await BackoffAsync(failure);
            if (failure < 3)
            {
                await failures.WaitForMeasurementsAsync(failure + 1).WaitAsync(TimeSpan.FromSeconds(30));
            }
        }

        await _consumer.ReceivedAsync(1).WaitAsync(TimeSpan.FromSeconds(30));
        await NextPollAsync();

        Assert.Equal(3, failures.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal("o-outage", Assert.Single(_consumer.Received).AggregateId);
        Assert.Equal(0, metrics.Lag());
    }

    private async Task<OrderPlacement> PlaceAsync(string orderId)
    {
        var placed = await _commerce.Grains.GetGrain<IOrderGrain>(orderId).Place(new PlaceOrder("alice", "Alice", [new OrderLineRequest("mouse", 1)], null));
        Assert.Equal(PlacementStatus.Placed, placed.Status);
        return placed;
    }

    /// <summary>Every relay's next poll, and the round it starts run to its end (each relay's turn is one grain call).</summary>
    private async Task NextPollAsync()
    {
        _commerce.Time.Advance(_outbox.PollInterval);
        await Task.WhenAll(Enumerable.Range(0, _outbox.Shards).Select(shard => _commerce.Grains.GetGrain<IOutboxRelayGrain>(shard).Settled()));
    }

    /// <summary>Past the longest back-off after <paramref name="failures"/> failures in a row (jitter included).</summary>
    private async Task BackoffAsync(int failures)
    {
        _commerce.Time.Advance(TimeSpan.FromTicks((long)(Math.Min(_outbox.PollInterval.Ticks * Math.Pow(2, failures), _outbox.MaxBackoff.Ticks) * 1.2)));
        await Task.WhenAll(Enumerable.Range(0, _outbox.Shards).Select(shard => _commerce.Grains.GetGrain<IOutboxRelayGrain>(shard).Settled()));
    }

    /// <summary>Fails the first batch published once armed, after its publish: the relay dies between publish and mark.</summary>
    private sealed class HaltAfterPublish : IOutboxRelayFaults
    {
        private readonly TaskCompletionSource _halted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _armed;

        public Task Halted => _halted.Task;

        public void Arm() => _armed = 1;

        public ValueTask Published(int shard, IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _armed, 0) == 1)
            {
                _halted.SetResult();
                return ValueTask.FromException(new InvalidOperationException("The relay died after publishing (injected)."));
            }

            return ValueTask.CompletedTask;
        }
    }
}
