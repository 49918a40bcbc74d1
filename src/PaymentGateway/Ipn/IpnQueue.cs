using System.Threading.Channels;
using Payments.VnPay;
using PaymentGateway.Merchant;
using PaymentGateway.Transactions;

namespace PaymentGateway.Ipn;

/// <summary>Notifications waiting for the dispatcher, in the order payments completed.</summary>
public sealed class IpnQueue(MerchantAccount merchant, IpnFaults faults)
{
    private readonly Channel<IpnNotification> _channel = Channel.CreateUnbounded<IpnNotification>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<IpnNotification> Reader => _channel.Reader;

    public void Enqueue(PaymentTransaction completed)
    {
        ArgumentNullException.ThrowIfNull(completed);
        var query = VnPaySignature.SignedQueryString(merchant.HashSecret, PaymentResultFields.Of(completed, merchant.TmnCode));

        // Unbounded, so this cannot fail while the channel is open; it is never completed.
        _channel.Writer.TryWrite(new IpnNotification(completed.TxnRef, completed.Outcome!.TransactionNo, query, faults.Current));
    }
}
