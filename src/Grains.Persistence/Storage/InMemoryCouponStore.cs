using System.Globalization;
using Grains.Coupons;

namespace Grains.Persistence.Storage;

/// <summary>
/// Coupons in memory, for the embedded mode, kept as the PostgreSQL store keeps them: the definition apart from one
/// record per use, a read giving the open holds and the number committed, and a write that would take more uses than
/// the limit refused whole.
/// </summary>
public sealed class InMemoryCouponStore : IGrainStateStore<CouponState>
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Book> _books = new(StringComparer.Ordinal);

    /// <summary>The coupon's use records (held or committed) by order id: what the limit counts.</summary>
    public IReadOnlyDictionary<string, bool> Uses(string code)
    {
        lock (_lock)
        {
            return _books.TryGetValue(code, out var book) ? book.Uses.ToDictionary(u => u.Key, u => u.Value.Committed, StringComparer.Ordinal) : new Dictionary<string, bool>();
        }
    }

    public Task<StoredState<CouponState>?> ReadAsync(string grainKey, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_books.TryGetValue(grainKey, out var book))
            {
                return Task.FromResult<StoredState<CouponState>?>(null);
            }

            var state = new CouponState { Definition = book.Definition, CommittedUses = book.Uses.Values.Count(u => u.Committed) };
            foreach (var (orderId, use) in book.Uses.Where(u => !u.Value.Committed))
            {
                state.Holds[orderId] = new CouponUse { Discount = use.Discount, HoldUntil = use.HoldUntil };
            }

            return Task.FromResult<StoredState<CouponState>?>(new StoredState<CouponState>(state, book.Etag));
        }
    }

    public Task<long> WriteAsync(string grainKey, CouponState state, long? expectedEtag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var definition = state.Definition ?? throw new ArgumentException("Only a defined coupon is stored.", nameof(state));
        lock (_lock)
        {
            _books.TryGetValue(grainKey, out var book);
            if (book?.Etag != expectedEtag)
            {
                return Task.FromException<long>(Conflict(grainKey, book, expectedEtag));
            }

            // Applied to a copy first: a write is all or nothing.
            var uses = new Dictionary<string, UseRecord>(book?.Uses ?? [], StringComparer.Ordinal);
            foreach (var (orderId, (change, use)) in state.ChangedUses)
            {
                switch (change)
                {
                    case CouponUseChange.Held when !uses.TryAdd(orderId, new UseRecord(use.Discount, use.HoldUntil, Committed: false)):
                        return Task.FromException<long>(new InvalidOperationException($"Coupon {grainKey} already has a use for order {orderId}."));
                    case CouponUseChange.Released when uses.TryGetValue(orderId, out var held) && !held.Committed:
                        uses.Remove(orderId);
                        break;
                    case CouponUseChange.Committed when uses.TryGetValue(orderId, out var held):
                        uses[orderId] = held with { Committed = true };
                        break;
                }
            }

            if (uses.Count > definition.UsageLimit)
            {
                return Task.FromException<long>(new InvalidOperationException($"Coupon {grainKey} would have {uses.Count} uses, over its limit of {definition.UsageLimit}."));
            }

            book ??= _books[grainKey] = new Book();
            book.Definition = definition;
            book.Uses = uses;
            book.Etag++;
            return Task.FromResult(book.Etag);
        }
    }

    public Task ClearAsync(string grainKey, long expectedEtag, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_books.TryGetValue(grainKey, out var book) || book.Etag != expectedEtag)
            {
                return Task.FromException(Conflict(grainKey, book, expectedEtag));
            }

            _books.Remove(grainKey);
            return Task.CompletedTask;
        }
    }

    private static InconsistentStateException Conflict(string grainKey, Book? book, long? expectedEtag)
    {
        var stored = book?.Etag.ToString(CultureInfo.InvariantCulture) ?? "none";
        var expected = expectedEtag?.ToString(CultureInfo.InvariantCulture) ?? "none";
        return new($"Coupon '{grainKey}' is at ETag {stored}, not {expected}: another activation wrote it.", stored, expected);
    }

    private sealed record UseRecord(long Discount, DateTimeOffset HoldUntil, bool Committed);

    private sealed class Book
    {
        public CouponDefinition? Definition { get; set; }

        public Dictionary<string, UseRecord> Uses { get; set; } = new(StringComparer.Ordinal);

        public long Etag { get; set; }
    }
}
