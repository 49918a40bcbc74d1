namespace Grains.Wallets;

/// <summary>
/// One user's wallet, keyed by user id. Each movement carries a reference that is applied at most once per wallet,
/// whatever the idempotency key of the request; the balance never goes below zero (case C20).
/// </summary>
[Alias("commerce.wallet")]
public interface IWalletGrain : IGrainWithStringKey
{
    /// <param name="cancellationToken">
    /// The call ends at once for the caller when it is cancelled (the grain answers from memory, so there is nothing
    /// there to stop): a dashboard that gave up does not wait for a slow silo.
    /// </param>
    [Alias("get")]
    Task<WalletView?> Get(CancellationToken cancellationToken = default);

    /// <summary>Adds money, creating the wallet on its first credit.</summary>
    [Alias("credit")]
    Task<WalletMovement> Credit(long amount, string reference);

    [Alias("debit")]
    Task<WalletMovement> Debit(long amount, string reference);
}

[GenerateSerializer, Immutable, Alias("commerce.WalletView")]
public sealed record WalletView(
    [property: Id(0)] string UserId,
    [property: Id(1)] long Balance,
    [property: Id(2)] string Currency,
    [property: Id(3)] long Version);

[GenerateSerializer, Alias("commerce.WalletMovementStatus")]
public enum WalletMovementStatus
{
    Applied,
    AlreadyApplied,
    InsufficientFunds,
    WalletNotFound,

    /// <summary>The reference was already used for a different movement (another amount or direction).</summary>
    ReferenceConflict,

    /// <summary>The credit would take the balance past <c>WalletLimits.MaxBalance</c>.</summary>
    BalanceLimitExceeded,
}

/// <summary>What a wallet may hold, in whole units of its currency: far beyond any real balance, far below overflow.</summary>
public static class WalletLimits
{
    public const long MaxBalance = 1_000_000_000_000_000;
}

[GenerateSerializer, Immutable, Alias("commerce.WalletMovement")]
public sealed record WalletMovement([property: Id(0)] WalletMovementStatus Status, [property: Id(1)] WalletView? Wallet);
