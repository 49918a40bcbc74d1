using Runtime;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>The poll reminder is durable: it outlives the silo that registered it (case C16).</summary>
public sealed class PaymentSiloLossTests(SiloLossPaymentCluster payments) : IClassFixture<SiloLossPaymentCluster>
{
    [Fact]
    public async Task A_payment_whose_silo_dies_before_its_poll_is_still_confirmed_by_the_reminder_on_another_silo()
    {
        await payments.Gateway.SetIpnFaultsAsync(drop: true);
        var product = await Seed.ProductAsync(payments.Api, stock: 10);
        var order = await Checkout.PlaceAsync(payments.Api, Seed.UniqueId("failover"), product);
        var owner = payments.OwnerOf(new GrainId("payment", order.PaymentId));

        await payments.Cluster.KillSiloAsync(owner);
        await payments.Gateway.OpenPayPageAsync(order.PayUrl);
        await payments.Gateway.CompleteAsync(order.PaymentId, success: true);

        await Checkout.WaitForStatusAsync(payments.Api, order.OrderId, "PAID", within: TimeSpan.FromSeconds(90));
        var survivor = Assert.Single(payments.Cluster.Silos, s => s.IsRunning);
        Assert.NotSame(owner, survivor);
        Assert.Equal(1, await payments.CountAsync(
            "SELECT count(*) FROM payment_events WHERE payment_id = $1 AND source = 'StatusQuery' AND applied", order.PaymentId));
    }
}
