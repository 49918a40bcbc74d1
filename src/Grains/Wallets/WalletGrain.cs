using Grains.Storage;
using Microsoft.Extensions.Options;

namespace Grains.Wallets;

/// <summary>
/// A wallet. The balance check and the debit happen together between two awaits, so concurrent debits cannot both
/// pass a check that only one of them can afford (the read-modify-write race of case C20). Reentrant, so concurrent
/// movements share group-committed writes; each is confirmed only once durable. The activation holds the balance and
/// the references of its dedupe window only; a reference it does not hold is looked up in the stored history when
/// that goes further back, so every reference applies once however old, and memory stays bounded however long the
/// history.
/// </summary>
[Reentrant]
public sealed class WalletGrain(
    [PersistentState("wallet", StorageNames.Commerce)] IPersistentState<WalletState> wallet,
    IGrainContext grain,
    IWalletReferences references,
    IOptions<CommerceOptions> options,
    TimeProvider time) : Grain, IWalletGrain
{
    private readonly GroupCommit<WalletState> _writes = new(wallet, grain);

    /// <summary>The held references, oldest first: what leaves memory as the window moves on.</summary>
    private readonly Queue<(DateTimeOffset At, string Reference)> _byAge = new();

    private WalletState State => _writes.State;

    private WalletView View => new(this.GetPrimaryKeyString(), State.Balance, State.Currency, State.Version);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var (reference, entry) in State.Entries.OrderBy(e => e.Value.At))
        {
            _byAge.Enqueue((entry.At, reference));
        }

        return Task.CompletedTask;
    }

    public Task<WalletView?> Get(CancellationToken cancellationToken = default) => Task.FromResult(State.Exists ? View : null);

    public Task<WalletMovement> Credit(long amount, string reference) => MoveAsync(amount, reference);

    public Task<WalletMovement> Debit(long amount, string reference) => MoveAsync(-amount, reference, amount);

    private async Task<WalletMovement> MoveAsync(long signedAmount, string reference, long? debited = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reference);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(debited ?? signedAmount);
        ForgetOutsideWindow();
        if (!State.Entries.ContainsKey(reference) && State.HasOlderEntries
            && await references.FindAsync(this.GetPrimaryKeyString(), reference, CancellationToken.None) is { } older)
        {
            // Applied before the window, so durable long ago.
            return new WalletMovement(older.Amount == signedAmount ? WalletMovementStatus.AlreadyApplied : WalletMovementStatus.ReferenceConflict, View);
        }

        // From here to the write, no await: the check and the movement are one turn.
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

        // Compared as a difference: the balance and a credit are each at most the limit, so nothing here overflows.
        if (signedAmount > WalletLimits.MaxBalance - State.Balance)
        {
            return new WalletMovement(WalletMovementStatus.BalanceLimitExceeded, View);
        }

        if (!State.Exists)
        {
            State.Exists = true;
            State.Currency = options.Value.Currency;
        }

        State.Balance = checked(State.Balance + signedAmount);
        State.Version++;
        var at = time.GetUtcNow();
        State.Entries[reference] = new WalletEntry { Amount = signedAmount, BalanceAfter = State.Balance, At = at };
        State.NewEntries.Add(reference);
        _byAge.Enqueue((at, reference));
        await _writes.WriteAsync();
        return new WalletMovement(WalletMovementStatus.Applied, View);
    }

    /// <summary>Drops the references older than the window (the store keeps them); one still waiting for its write stays until the next move.</summary>
    private void ForgetOutsideWindow()
    {
        var windowStart = time.GetUtcNow() - options.Value.WalletDedupeWindow;
        while (_byAge.TryPeek(out var oldest) && oldest.At < windowStart && !State.NewEntries.Contains(oldest.Reference))
        {
            _byAge.Dequeue();
            State.Entries.Remove(oldest.Reference);
            State.HasOlderEntries = true;
        }
    }
}
