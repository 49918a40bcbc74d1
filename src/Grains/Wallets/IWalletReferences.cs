namespace Grains.Wallets;

/// <summary>
/// A wallet's stored movements, looked up by reference: how a wallet recognizes a reference it applied before its
/// dedupe window, which its activation no longer holds.
/// </summary>
public interface IWalletReferences
{
    Task<WalletEntry?> FindAsync(string userId, string reference, CancellationToken cancellationToken);
}
