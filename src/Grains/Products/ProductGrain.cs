using Grains.Storage;
using Microsoft.Extensions.Options;

namespace Grains.Products;

/// <summary>
/// A product's catalog data and stock. Reentrant: while one write is in flight, further reservations change the
/// state and join the next write, so a hot product confirms batches instead of one reservation per round trip.
/// Each change happens between awaits, so it is never interleaved with another.
/// </summary>
[Reentrant]
public sealed class ProductGrain(
    [PersistentState("product", StorageNames.Commerce)] IPersistentState<ProductState> product,
    IGrainContext grain,
    IOptions<CommerceOptions> options,
    StockMetrics metrics,
    TimeProvider time) : Grain, IProductGrain, IRemindable
{
    private const string HoldSweep = "release-lapsed-holds";

    private readonly GroupCommit<ProductState> _writes = new(product, grain);

    /// <summary>Reminder changes take awaits; one at a time, each deciding from the state as it is then.</summary>
    private readonly SemaphoreSlim _sweepRegistration = new(1, 1);

    private ProductState State => _writes.State;

    private ProductDetails Details => State.Details(this.GetPrimaryKeyString());

    public Task<ProductDetails?> Get() => Task.FromResult(State.Exists ? Details : null);

    public async Task<ProductWrite> Create(NewProduct newProduct)
    {
        ArgumentNullException.ThrowIfNull(newProduct);
        if (State.Exists)
        {
            return new ProductWrite(ProductWriteStatus.AlreadyExists, Details);
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(newProduct.Name);
        ArgumentOutOfRangeException.ThrowIfNegative(newProduct.Price);
        ArgumentOutOfRangeException.ThrowIfNegative(newProduct.Stock);
        var now = time.GetUtcNow();
        State.Exists = true;
        State.Name = newProduct.Name;
        State.Price = newProduct.Price;
        State.Available = newProduct.Stock;
        State.Version = 1;
        State.CreatedAt = State.UpdatedAt = now;
        await _writes.WriteAsync();
        return new ProductWrite(ProductWriteStatus.Done, Details);
    }

    public async Task<ProductWrite> Update(ProductChanges changes, long expectedVersion)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (!State.Exists)
        {
            return new ProductWrite(ProductWriteStatus.NotFound, null);
        }

        if (State.Version != expectedVersion)
        {
            return new ProductWrite(ProductWriteStatus.VersionMismatch, Details);
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(changes.Name);
        ArgumentOutOfRangeException.ThrowIfNegative(changes.Price);
        State.Name = changes.Name;
        State.Price = changes.Price;
        Changed();
        await _writes.WriteAsync();
        return new ProductWrite(ProductWriteStatus.Done, Details);
    }

    public async Task<ProductWrite> AdjustStock(int delta, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (!State.Exists)
        {
            return new ProductWrite(ProductWriteStatus.NotFound, null);
        }

        if ((long)State.Available + delta < 0 || (long)State.Available + delta > int.MaxValue)
        {
            return new ProductWrite(ProductWriteStatus.WouldGoNegative, Details);
        }

        State.Available += delta;
        Changed();
        await _writes.WriteAsync();
        return new ProductWrite(ProductWriteStatus.Done, Details);
    }

    public async Task<ProductWrite> SetSale(FlashSale sale, long expectedVersion)
    {
        ArgumentNullException.ThrowIfNull(sale);
        if (!State.Exists)
        {
            return new ProductWrite(ProductWriteStatus.NotFound, null);
        }

        if (State.Version != expectedVersion)
        {
            return new ProductWrite(ProductWriteStatus.VersionMismatch, Details);
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(sale.EndsAt, sale.StartsAt);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sale.PerBuyerLimit);
        ArgumentOutOfRangeException.ThrowIfNegative(sale.Stock);
        State.Sale = sale with { StartsAt = sale.StartsAt.ToUniversalTime(), EndsAt = sale.EndsAt.ToUniversalTime() };
        State.Available = sale.Stock;
        Changed();
        await _writes.WriteAsync();
        return new ProductWrite(ProductWriteStatus.Done, Details);
    }

    public async Task<ReservationOutcome> Reserve(string orderId, int quantity, DateTimeOffset holdUntil, string buyerId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orderId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        ArgumentException.ThrowIfNullOrWhiteSpace(buyerId);
        if (State.Holds.TryGetValue(orderId, out var held))
        {
            // Held already, perhaps by a write still in flight: confirm only once that write has committed.
            await _writes.WriteAsync();
            return new ReservationOutcome(ReservationStatus.AlreadyReserved, State.Name, held.UnitPrice, State.Available);
        }

        if (Refusal(quantity, buyerId) is { } refused)
        {
            metrics.Refused(refused.Status);
            return refused;
        }

        State.Available -= quantity;
        var hold = new ProductHold { Quantity = quantity, UnitPrice = State.Price, HoldUntil = holdUntil };
        if (State.Sale is not null)
        {
            // Counted in the same write as the hold: once the hold is confirmed, so is the buyer's count.
            hold.BuyerId = buyerId;
            State.CountForBuyer(buyerId, quantity);
        }

        State.Holds[orderId] = hold;
        State.ChangedHolds[orderId] = new ChangedHold(HoldChange.Held, hold);
        var scheduleSweep = !State.HoldSweepScheduled;
        Changed();
        var written = _writes.WriteAsync();
        if (scheduleSweep)
        {
            await SyncHoldSweepAsync();
        }

        await written;
        metrics.Reserved();
        return new ReservationOutcome(ReservationStatus.Reserved, State.Name, State.Price, State.Available);
    }

    public Task<ReservationOutcome> Admit(string orderId, int quantity, string buyerId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orderId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        ArgumentException.ThrowIfNullOrWhiteSpace(buyerId);

        // Only a sale is decided here: a product without one is left to the saga, as it always was. An order this
        // product holds or sold is a retry, which goes on to hear what it was answered the first time.
        var decided = State.Exists && State.Sale is not null && !State.Holds.ContainsKey(orderId) && !State.Sales.ContainsKey(orderId);
        var outcome = (decided ? Refusal(quantity, buyerId) : null) ?? new ReservationOutcome(ReservationStatus.Reserved, State.Name, State.Price, State.Available);
        return Task.FromResult(outcome with { OnSale = State.Sale is not null });
    }

    /// <summary>Why a new hold cannot be taken now, decided from memory alone; null when it can.</summary>
    private ReservationOutcome? Refusal(int quantity, string buyerId)
    {
        if (!State.Exists)
        {
            return new ReservationOutcome(ReservationStatus.ProductNotFound, "", 0, 0);
        }

        ReservationStatus? refused = null;
        if (State.Sale is { } sale)
        {
            var now = time.GetUtcNow();
            refused = now < sale.StartsAt ? ReservationStatus.SaleNotStarted
                : now >= sale.EndsAt ? ReservationStatus.SaleEnded
                : State.Available < quantity ? ReservationStatus.OutOfStock
                : State.BuyerUnits.GetValueOrDefault(buyerId) + (long)quantity > sale.PerBuyerLimit ? ReservationStatus.PurchaseLimitReached
                : null;
        }
        else if (State.Available < quantity)
        {
            refused = ReservationStatus.OutOfStock;
        }

        if (refused is not { } status)
        {
            return null;
        }

        if (State.Sale is not null)
        {
            // Counted where it is decided, so an attempt is counted once: turned away at admission, it never reaches
            // the saga's reservation; let through, it is decided there.
            metrics.FlashSaleRejected(status);
        }

        return new ReservationOutcome(status, State.Name, State.Price, State.Available, State.Sale?.StartsAt);
    }

    public async Task Release(string orderId)
    {
        if (State.Holds.Remove(orderId, out var given) || State.Sales.Remove(orderId, out given))
        {
            GiveBack(orderId, given);
            Changed();
            await _writes.WriteAsync();
        }
    }

    public async Task<SaleOutcome> Commit(SellUnits sale)
    {
        ArgumentNullException.ThrowIfNull(sale);
        ArgumentException.ThrowIfNullOrWhiteSpace(sale.OrderId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sale.Quantity);
        if (!State.Exists)
        {
            return new SaleOutcome(SaleStatus.ProductNotFound, 0);
        }

        if (State.Sales.ContainsKey(sale.OrderId))
        {
            // Sold already, perhaps by a write still in flight: confirm only once that write has committed.
            await _writes.WriteAsync();
            return new SaleOutcome(SaleStatus.AlreadySold, State.Available);
        }

        var status = SaleStatus.Sold;
        if (!State.Holds.Remove(sale.OrderId, out var sold))
        {
            // The hold lapsed and its units went back on sale while the customer was paying: take them again if they
            // are still there, or the order cannot be paid (its money goes back).
            if (State.Available < sale.Quantity)
            {
                return new SaleOutcome(SaleStatus.OutOfStock, State.Available);
            }

            // Its count went with the lapsed hold: taken again, the units count again, within the limit.
            var counted = State.Sale is not null && sale.BuyerId is not null;
            if (counted && State.BuyerUnits.GetValueOrDefault(sale.BuyerId!) + (long)sale.Quantity > State.Sale!.PerBuyerLimit)
            {
                return new SaleOutcome(SaleStatus.PurchaseLimitReached, State.Available);
            }

            State.Available -= sale.Quantity;
            sold = new ProductHold { Quantity = sale.Quantity, UnitPrice = sale.UnitPrice, HoldUntil = time.GetUtcNow() };
            if (counted)
            {
                sold.BuyerId = sale.BuyerId;
                State.CountForBuyer(sale.BuyerId!, sale.Quantity);
            }

            status = SaleStatus.Retaken;
            Changed();
        }

        State.Sales[sale.OrderId] = sold;
        State.ChangedHolds[sale.OrderId] = new ChangedHold(HoldChange.Committed, sold);
        await _writes.WriteAsync();
        return new SaleOutcome(status, State.Available);
    }

    /// <summary>Gives back the stock of holds whose time has passed: orders whose saga died before releasing them.</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != HoldSweep)
        {
            return;
        }

        var now = time.GetUtcNow();
        ForgetOldSales(now);
        var lapsed = State.Holds.Where(pair => pair.Value.HoldUntil <= now).Select(pair => pair.Key).ToList();
        foreach (var orderId in lapsed)
        {
            State.Holds.Remove(orderId, out var hold);
            GiveBack(orderId, hold!);
        }

        if (lapsed.Count > 0)
        {
            Changed();
            await _writes.WriteAsync();
        }

        if (State.Holds.Count == 0)
        {
            await SyncHoldSweepAsync();
        }
    }

    /// <summary>Registers the sweep while there are holds and removes it once there are none.</summary>
    private async Task SyncHoldSweepAsync()
    {
        await _sweepRegistration.WaitAsync();
        try
        {
            var wanted = State.Holds.Count > 0;
            if (wanted == State.HoldSweepScheduled)
            {
                return;
            }

            if (wanted)
            {
                var earliest = State.Holds.Values.Min(h => h.HoldUntil);
                await this.RegisterOrUpdateReminder(HoldSweep, Positive(earliest - time.GetUtcNow()), options.Value.ExpiryCheckPeriod);
            }
            else if (await this.GetReminder(HoldSweep) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            State.HoldSweepScheduled = wanted;
            await _writes.WriteAsync();
        }
        finally
        {
            _sweepRegistration.Release();
        }
    }

    /// <summary>Old sales leave memory only: their rows stay, and no order asks about them any more.</summary>
    private void ForgetOldSales(DateTimeOffset now)
    {
        foreach (var (orderId, sale) in State.Sales)
        {
            if (sale.HoldUntil + options.Value.SaleMemory <= now)
            {
                State.Sales.Remove(orderId);
            }
        }
    }

    /// <summary>A hold or sale is gone: its units go back on sale and stop counting against its buyer.</summary>
    private void GiveBack(string orderId, ProductHold given)
    {
        State.Available += given.Quantity;
        State.ChangedHolds[orderId] = new ChangedHold(HoldChange.Released, given);
        if (given.BuyerId is { } buyerId && State.BuyerUnits.ContainsKey(buyerId))
        {
            State.CountForBuyer(buyerId, -given.Quantity);
        }
    }

    private void Changed()
    {
        State.Version++;
        State.UpdatedAt = time.GetUtcNow();
    }

    private static TimeSpan Positive(TimeSpan delay) => delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
}
