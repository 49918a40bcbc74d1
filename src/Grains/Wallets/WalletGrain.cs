using Runtime;

namespace Grains.Wallets;

/// <summary>
/// A wallet. The balance check and the debit happen together between two awaits, so concurrent debits cannot both
/// pass a check that only one of them can afford (the read-modify-write race of case C20). Reentrant, so concurrent
/// movements share group-committed writes; each is confirmed only once durable.
/// </summary>
[Reentrant]
public sealed class WalletGrain(
    [PersistentState("wallet")] IPersistentState<WalletState> wallet,
    CommerceOptions options,
    TimeProvider time) : Grain, IWalletGrain
{
    private WalletState State => wallet.State;

    private WalletView View => new(GetPrimaryKeyString(), State.Balance, State.Currency, State.Version);

    public Task<WalletView?> Get() => Task.FromResult(State.Exists ? View : null);

    public Task<WalletMovement> Credit(long amount, string reference) => MoveAsync(amount, reference);

    public Task<WalletMovement> Debit(long amount, string reference) => MoveAsync(-amount, reference, amount);

    private async Task<WalletMovement> MoveAsync(long signedAmount, string reference, long? debited = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reference);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(debited ?? signedAmount);
        if (State.Entries.TryGetValue(reference, out var entry))
        {
            if (entry.Amount != signedAmount)
            {
                return new WalletMovement(WalletMovementStatus.ReferenceConflict, View);
            }

            // Applied before, perhaps in a write still in flight: answer only once it is durable.
            await wallet.WriteStateAsync();
            return new WalletMovement(WalletMovementStatus.AlreadyApplied, View);
        }

        if (!State.Exists && signedAmount < 0)
        {
            return new WalletMovement(WalletMovementStatus.WalletNotFound, null);
        }

        if (State.Balance + signedAmount < 0)
        {
            return new WalletMovement(WalletMovementStatus.InsufficientFunds, View);
        }

        if (!State.Exists)
        {
            State.Exists = true;
            State.Currency = options.Currency;
        }

        State.Balance = checked(State.Balance + signedAmount);
        State.Version++;
        State.Entries[reference] = new WalletEntry { Amount = signedAmount, BalanceAfter = State.Balance, At = time.GetUtcNow() };
        State.NewEntries.Add(reference);
        await wallet.WriteStateAsync();
        return new WalletMovement(WalletMovementStatus.Applied, View);
    }
}
