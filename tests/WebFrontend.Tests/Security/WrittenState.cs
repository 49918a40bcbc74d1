using System.Globalization;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests.Security;

/// <summary>
/// Count and content hash of every row that a user and a product own in the typed tables, and of the idempotency keys
/// taken: an attack is refused only if this is the same after it as before.
/// </summary>
public static class WrittenState
{
    public static async Task<IReadOnlyList<string>> SnapshotAsync(ApiCluster api, string user, string product = "")
    {
        (string Table, string Where, string Id)[] scopes =
        [
            ("products", "id = $1", product),
            ("product_holds", "product_id = $1", product),
            ("customers", "id = $1", user),
            ("orders", "customer_id = $1", user),
            ("order_items", "order_id IN (SELECT id FROM orders WHERE customer_id = $1)", user),
            ("wallets", "user_id = $1", user),
            ("wallet_entries", "user_id = $1", user),
        ];
        var snapshot = new List<string>();
        foreach (var (table, where, id) in scopes)
        {
            var count = await api.ScalarAsync($"SELECT count(*) FROM {table} t WHERE {where}", id);
            var hash = await api.ScalarAsync($"SELECT coalesce(sum(hashtext(t::text)::bigint), 0) FROM {table} t WHERE {where}", id);
            snapshot.Add(string.Create(CultureInfo.InvariantCulture, $"{table}: {count} rows, hash {hash}"));
        }

        return snapshot;
    }

    /// <summary>Nothing was created anywhere since <paramref name="since"/>: no product, order, wallet movement or completed idempotency key.</summary>
    public static async Task AssertNothingCreatedSinceAsync(ApiCluster api, DateTimeOffset since)
    {
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM products WHERE created_at >= $1", since));
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM orders WHERE created_at >= $1", since));
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM wallet_entries WHERE created_at >= $1", since));
    }
}
