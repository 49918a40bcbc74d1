using Grains.Payments;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>The poll reminder is durable: it outlives the silo process that registered it, killed with -9 (case C16).</summary>
public sealed class PaymentSiloLossTests(PaymentSiloLossCluster payments) : IClassFixture<PaymentSiloLossCluster>
{
    [Fact]
    public async Task A_payment_whose_silo_is_killed_before_its_poll_is_still_confirmed_by_the_reminder_on_the_other_silo()
    {
        await payments.Gateway.SetIpnFaultsAsync(drop: true);
        var product = await Seed.ProductAsync(payments.Api, stock: 10);
        var order = await Checkout.PlaceAsync(payments.Api, Seed.UniqueId("failover"), product);
        var host = await payments.HostOfAsync(payments.Grains.GetGrain<IPaymentGrain>(order.PaymentId));

        await host.KillAsync();
        await payments.Gateway.OpenPayPageAsync(order.PayUrl);
        await payments.Gateway.CompleteAsync(order.PaymentId, success: true);

        await Checkout.WaitForStatusAsync(payments.Database, payments.Api, order.OrderId, "PAID", within: TimeSpan.FromSeconds(90));
        var survivor = Assert.Single(payments.Silos, s => !s.HasExited);
        Assert.NotSame(host, survivor);
        Assert.Equal(1, await payments.CountAsync(
            "SELECT count(*) FROM payment_events WHERE payment_id = $1 AND source = 'StatusQuery' AND applied", order.PaymentId));
    }
}
