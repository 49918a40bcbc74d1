using System.Globalization;
using Grains.Wallets;
using Microsoft.Extensions.Options;

namespace Grains.Persistence.Storage;

/// <summary>
/// Wallets in memory, for the embedded mode, kept as the PostgreSQL store keeps them: a balance and every movement
/// apart, one movement per reference. A read gives the movements of the dedupe window only, as the SQL one does, and
/// the history is paged from the movements (<see cref="Queries.InMemoryQueries"/>).
/// </summary>
public sealed class InMemoryWalletStore(IOptions<CommerceOptions> options, TimeProvider time) : IGrainStateStore<WalletState>, IWalletReferences
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Book> _books = new(StringComparer.Ordinal);

    /// <summary>Every stored movement of the wallet, in no order: what its history pages.</summary>
    public IReadOnlyList<(string Reference, WalletEntry Entry)> Entries(string userId)
    {
        lock (_lock)
        {
            return _books.TryGetValue(userId, out var book) ? [.. book.Entries.Select(e => (e.Key, Copy(e.Value)))] : [];
        }
    }

    public Task<StoredState<WalletState>?> ReadAsync(string grainKey, CancellationToken cancellationToken)
    {
        var windowStart = time.GetUtcNow() - options.Value.WalletDedupeWindow;
        lock (_lock)
        {
            if (!_books.TryGetValue(grainKey, out var book))
            {
                return Task.FromResult<StoredState<WalletState>?>(null);
            }

            var state = new WalletState { Exists = true, Balance = book.Balance, Currency = book.Currency, Version = book.Version };
            foreach (var (reference, entry) in book.Entries)
            {
                if (entry.At >= windowStart)
                {
                    state.Entries[reference] = Copy(entry);
                }
                else
                {
                    state.HasOlderEntries = true;
                }
            }

            return Task.FromResult<StoredState<WalletState>?>(new StoredState<WalletState>(state, book.Etag));
        }
    }

    public Task<WalletEntry?> FindAsync(string userId, string reference, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_books.TryGetValue(userId, out var book) && book.Entries.TryGetValue(reference, out var entry) ? Copy(entry) : null);
        }
    }

    public Task<long> WriteAsync(string grainKey, WalletState state, long? expectedEtag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        lock (_lock)
        {
            _books.TryGetValue(grainKey, out var book);
            if (book?.Etag != expectedEtag || state.NewEntries.Any(reference => book?.Entries.ContainsKey(reference) == true))
            {
                return Task.FromException<long>(Conflict(grainKey, book, expectedEtag));
            }

            book ??= _books[grainKey] = new Book();
            book.Balance = state.Balance;
            book.Currency = state.Currency;
            book.Version = state.Version;
            book.Etag++;
            foreach (var reference in state.NewEntries)
            {
                book.Entries.Add(reference, Copy(state.Entries[reference]));
            }

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

    private static WalletEntry Copy(WalletEntry entry) => new() { Amount = entry.Amount, BalanceAfter = entry.BalanceAfter, At = entry.At };

    private static InconsistentStateException Conflict(string grainKey, Book? book, long? expectedEtag)
    {
        var stored = book?.Etag.ToString(CultureInfo.InvariantCulture) ?? "none";
        var expected = expectedEtag?.ToString(CultureInfo.InvariantCulture) ?? "none";
        return new($"The wallet of '{grainKey}' is at ETag {stored}, not {expected}, or already holds one of the references written.", stored, expected);
    }

    private sealed class Book
    {
        public long Balance { get; set; }

        public string Currency { get; set; } = "";

        public long Version { get; set; }

        public long Etag { get; set; }

        public Dictionary<string, WalletEntry> Entries { get; } = new(StringComparer.Ordinal);
    }
}
