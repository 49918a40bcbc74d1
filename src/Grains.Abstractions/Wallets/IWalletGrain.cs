using Runtime;

namespace Grains.Wallets;

/// <summary>
/// One user's wallet, keyed by user id. Each movement carries a reference that is applied at most once per wallet,
/// whatever the idempotency key of the request; the balance never goes below zero (case C20).
/// </summary>
[GrainType("wallet")]
public interface IWalletGrain : IGrainWithStringKey
{
    Task<WalletView?> Get();

    /// <summary>Adds money, creating the wallet on its first credit.</summary>
    Task<WalletMovement> Credit(long amount, string reference);

    Task<WalletMovement> Debit(long amount, string reference);
}

public sealed record WalletView(string UserId, long Balance, string Currency, long Version);

public enum WalletMovementStatus
{
    Applied,
    AlreadyApplied,
    InsufficientFunds,
    WalletNotFound,

    /// <summary>The reference was already used for a different movement (another amount or direction).</summary>
    ReferenceConflict,
}

public sealed record WalletMovement(WalletMovementStatus Status, WalletView? Wallet);
