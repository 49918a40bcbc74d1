using Grains.Storage;
using Microsoft.Extensions.Options;

namespace Grains.Wallets;

/// <summary>
/// A wallet. The balance check and the debit happen together between two awaits, so concurrent debits cannot both
/// pass a check that only one of them can afford (the read-modify-write race of case C20). Reentrant, so concurrent
/// movements share group-committed writes; each is confirmed only once durable.
/// </summary>
[Reentrant]
public sealed class WalletGrain(
    [PersistentState("wallet", StorageNames.Commerce)] IPersistentState<WalletState> wallet,
    IGrainContext grain,
    IOptions<CommerceOptions> options,
    TimeProvider time) : Grain, IWalletGrain
{
    private readonly GroupCommit<WalletState> _writes = new(wallet, grain);

    private WalletState State => _writes.State;

    private WalletView View => new(this.GetPrimaryKeyString(), State.Balance, State.Currency, State.Version);

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
            await _writes.WriteAsync();
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
            State.Currency = options.Value.Currency;
        }

        State.Balance = checked(State.Balance + signedAmount);
        State.Version++;
        State.Entries[reference] = new WalletEntry { Amount = signedAmount, BalanceAfter = State.Balance, At = time.GetUtcNow() };
        State.NewEntries.Add(reference);
        await _writes.WriteAsync();
        return new WalletMovement(WalletMovementStatus.Applied, View);
    }
}
