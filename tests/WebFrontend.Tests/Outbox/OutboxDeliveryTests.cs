using System.Diagnostics.Metrics;
using Commerce.Testing;
using Grains.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests.Outbox;

/// <summary>
/// Case C18 end to end: grains write events with their state, the relays publish them to a real RabbitMQ, the
/// notifications worker (a process) mails each customer once through a real SMTP server — across duplicated IPNs, a
/// silo killed between publishing and marking, and a broker that was down for a while.
/// </summary>
public sealed class OutboxDeliveryTests : IAsyncLifetime
{
    private const int Customers = 6;
    private readonly OutboxDeliveryRig _rig = new();

    public Task InitializeAsync() => _rig.InitializeAsync();

    public Task DisposeAsync() => _rig.DisposeAsync();

    [Fact]
    public async Task Fifty_copies_of_a_success_ipn_make_one_order_paid_event_and_one_mail()
    {
        var broker = await SharedRabbitMq.ServerAsync();
        await using var worker = await _rig.StartWorkerAsync(broker.Uri);
        await using var silo = await InProcessSilo.StartAsync(_rig.ConnectionString, "outbox-silo", _rig.SiloSettings(broker.Uri));
        await using var api = new FrontEnd(_rig.ConnectionString);
        await api.ConnectedAsync();
        var customer = Seed.UniqueId("paid");
        var order = await Checkout.PlaceAsync(api, customer, await Seed.ProductAsync(api, stock: 3));

        using var gateway = api.ClientFor(null);
        var success = Checkout.IpnQuery(order, "81000001", success: true);
        var answers = await Task.WhenAll(Enumerable.Repeat(success, 50).Select(query => Checkout.SendIpnAsync(gateway, query)));

        Assert.Equal(1, answers.Count(code => code == "00"));
        var mail = Assert.Single(await _rig.MailsToAsync([customer]));
        var paid = Assert.Single(await _rig.EventsOfAsync([customer]));
        Assert.Contains(order.OrderId, mail.Subject, StringComparison.Ordinal);
        Assert.Equal(paid.Id.ToString("N"), mail.MessageId?.Split('@')[0]);
        await worker.HandledAllAsync([paid.Id]).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal((1, 1), await _rig.InboxOfAsync([paid.Id]));
    }

    [Fact]
    public async Task A_silo_killed_between_publishing_and_marking_leaves_its_events_to_the_next_which_publishes_them_again_and_each_is_mailed_once()
    {
        var broker = await SharedRabbitMq.ServerAsync();
        await using var worker = await _rig.StartWorkerAsync(broker.Uri);
        await using var first = SiloProcess.Start("outbox-silo-1", _rig.ConnectionString, _rig.Logs, _rig.SiloEnvironment(broker.Uri));
        await first.Started.WaitAsync(TimeSpan.FromMinutes(2));
        var shards = new OutboxOptions().Shards;
        await using var gate = await OutboxMarkGate.CloseAsync(_rig.Database);
        await gate.HoldShardsAsync(shards);
        IReadOnlyList<string> customers;
        await using (var api = new FrontEnd(_rig.ConnectionString))
        {
            await api.ConnectedAsync();
            customers = await OutboxDeliveryRig.CancelledOrdersAsync(api, Customers);
        }

        // The only silo's relays publish every event (the worker mails each) and cannot mark one.
        await gate.ReleaseShardsAsync(shards);
        Assert.Equal(Customers, (await _rig.MailsToAsync(customers)).Count);
        var events = await _rig.EventsOfAsync(customers);
        Assert.Equal(Customers, events.Count);
        Assert.All(events, e => Assert.False(e.Published));

        var duplicates = events.Select(e => worker.SkippedAsDuplicate(e.Id)).ToList();
        var marked = await gate.ListenForMarksAsync([.. events.Select(e => e.Id)], TimeSpan.FromSeconds(60));
        await first.KillAsync();
        await gate.OpenAsync();

        // As an orchestrator does for a deleted pod (Orleans' Kubernetes hosting): the killed silo is declared dead, so
        // the next one need not wait the minute it would take to find that out alone.
        await _rig.DeclareDeadAsync(first.SiloPort);
        await using var second = SiloProcess.Start("outbox-silo-2", _rig.ConnectionString, _rig.Logs, _rig.SiloEnvironment(broker.Uri));
        await second.Started.WaitAsync(TimeSpan.FromMinutes(2));

        await marked();
        await Task.WhenAll(duplicates).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Customers, (await _rig.MailsToAsync(customers)).Count);
        Assert.Equal((Customers, Customers), await _rig.InboxOfAsync(events.Select(e => e.Id)));
        Assert.All(await _rig.EventsOfAsync(customers), e => Assert.True(e.Published));
    }

    [Fact]
    public async Task Events_raised_while_the_broker_is_down_are_delivered_once_it_is_back_none_lost()
    {
        await using var broker = await RabbitMqServer.StartAsync();
        await using var worker = await _rig.StartWorkerAsync(broker.Uri);
        await using var silo = await InProcessSilo.StartAsync(_rig.ConnectionString, "outbox-silo", _rig.SiloSettings(broker.Uri));
        using var failures = new MetricCollector<long>(silo.Services.GetRequiredService<IMeterFactory>(), OutboxMetrics.MeterName, OutboxMetrics.PublishFailuresName);
        await using var api = new FrontEnd(_rig.ConnectionString);
        await api.ConnectedAsync();

        await broker.StopAsync();
        var customers = await OutboxDeliveryRig.CancelledOrdersAsync(api, Customers);
        await failures.WaitForMeasurementsAsync(1).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(_rig.Mail.Mails);
        var waiting = await _rig.EventsOfAsync(customers);
        Assert.Equal(Customers, waiting.Count);
        Assert.All(waiting, e => Assert.False(e.Published));

        await broker.StartAgainAsync();
        var mails = await _rig.MailsToAsync(customers);

        // The worker marks its inbox after the mail reaches the sink: its handled lines, not the mails, say it is done.
        await worker.HandledAllAsync(waiting.Select(e => e.Id)).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(customers.Select(NotificationsWorkerSettings.AddressOf).Order(), mails.SelectMany(m => m.Recipients).Order());
        var events = await _rig.EventsOfAsync(customers);
        Assert.Equal(Customers, events.Count);
        Assert.Equal((Customers, Customers), await _rig.InboxOfAsync(events.Select(e => e.Id)));
    }
}
