using Grains.Wallets;

namespace WebFrontend.Features.CustomerDashboard.Sources;

/// <summary>The balance, from the customer's wallet grain (its memory); null without a wallet, and as the fallback.</summary>
public sealed class WalletSource(IGrainFactory grains) : DashboardSource<DashboardWallet?>(DashboardSources.Wallet, isCritical: false)
{
    public override async Task<DashboardWallet?> FetchAsync(DashboardCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var wallet = await grains.GetGrain<IWalletGrain>(caller.UserId).Get(cancellationToken).ConfigureAwait(false);
        return wallet is null ? null : new DashboardWallet(wallet.Balance, wallet.Currency);
    }
}
