using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Grains.Wallets;

public sealed class WalletState : IChangeTracking
{
    public bool Exists { get; set; }

    public long Balance { get; set; }

    public string Currency { get; set; } = "";

    public long Version { get; set; }

    /// <summary>
    /// The movements of the dedupe window (<see cref="CommerceOptions.WalletDedupeWindow"/>) by reference: what makes
    /// a recent reference apply once without a read. The full history stays in the store.
    /// </summary>
    public Dictionary<string, WalletEntry> Entries { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Whether the store holds movements older than <see cref="Entries"/>: a reference missing there may be one of them.</summary>
    public bool HasOlderEntries { get; set; }

    /// <summary>References added since the last write: a typed store inserts only these rows.</summary>
    [JsonIgnore]
    public List<string> NewEntries { get; } = [];

    [JsonIgnore]
    public bool IsChanged => NewEntries.Count > 0;

    public void AcceptChanges() => NewEntries.Clear();
}

public sealed class WalletEntry
{
    /// <summary>Positive for a credit, negative for a debit.</summary>
    public long Amount { get; set; }

    public long BalanceAfter { get; set; }

    public DateTimeOffset At { get; set; }
}
