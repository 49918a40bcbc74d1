using Commerce.Testing;
using Grains.Orders;
using Grains.Persistence.Queries;
using Grains.Persistence.Schema;
using Grains.Persistence.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Grains.Persistence.Tests.Queries;

/// <summary>
/// Case C2's statements against a real PostgreSQL with 20,000 orders of 1,000 customers: each is one statement, its
/// plan reads the customer's rows through indexes (never a scan of a table), and it answers the customer's figures.
/// The tests only read: they share one seeded database (<see cref="DashboardDatabase"/>).
/// </summary>
public sealed class DashboardQueryPlanTests(DashboardDatabase seeded) : IClassFixture<DashboardDatabase>
{
    private readonly NpgsqlDataSource _database = seeded.DataSource;

    public static TheoryData<string, string[]> Statements => new()
    {
        { PostgresDashboardQueries.OrderSummarySql, ["orders_by_customer"] },
        { PostgresDashboardQueries.LatestPaymentSql, ["orders_by_customer"] },
        { PostgresDashboardQueries.UnreadNotificationsSql, ["orders_by_customer", "outbox_dedupe_key_key"] },
        { PostgresDashboardQueries.RecentActivitySql, ["orders_by_customer", "wallet_entries_by_time"] },
    };

    [Theory]
    [MemberData(nameof(Statements))]
    public async Task Each_dashboard_statement_is_one_statement_read_through_the_customers_indexes(string sql, string[] indexes)
    {
        Assert.Single(sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        await using var command = _database.CreateCommand("EXPLAIN " + sql);
        command.Parameters.Add(new NpgsqlParameter { Value = "c7" });
        if (sql.Contains("$2", StringComparison.Ordinal))
        {
            command.Parameters.Add(sql == PostgresDashboardQueries.UnreadNotificationsSql ? new NpgsqlParameter { Value = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) } : new NpgsqlParameter { Value = 5 });
        }

        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        var text = string.Join('\n', plan);
        Assert.DoesNotContain("Seq Scan", text, StringComparison.Ordinal);
        Assert.All(indexes, index => Assert.Contains(index, text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_statements_answer_one_customers_figures()
    {
        var queries = new PostgresDashboardQueries(_database);

        // c7 has the 21 orders n = 6, 1003, 2000, …, 19946 (n % 997 = 6; status by n % 4, a refund asked where n % 8 = 2)
        // and the wallet movements of the same n.
        var summary = await queries.OrderSummaryAsync("c7", 5, CancellationToken.None);
        var latest = await queries.LatestPaymentAsync("c7", CancellationToken.None);
        var unread = await queries.UnreadNotificationsAsync("c7", new DateTimeOffset(2026, 1, 10, 0, 0, 0, TimeSpan.Zero), CancellationToken.None);
        var activity = await queries.RecentActivityAsync("c7", 4, CancellationToken.None);

        Assert.Equal(
            new Dictionary<OrderStatus, int> { [OrderStatus.PendingPayment] = 5, [OrderStatus.Paid] = 5, [OrderStatus.Cancelled] = 6, [OrderStatus.Expired] = 5 },
            summary.Counts);
        Assert.Equal(["o19946", "o18949", "o17952", "o16955", "o15958"], summary.Recent.Select(o => o.Id));
        Assert.Equal(
            [OrderStatus.Cancelled, OrderStatus.Paid, OrderStatus.PendingPayment, OrderStatus.Expired, OrderStatus.Cancelled],
            summary.Recent.Select(o => o.Status));
        Assert.Equal(new LatestPayment("o19946", "pay19946", OrderPaymentStatus.RefundRequired, 20946, null), latest);

        // From 10 January (minute 12,960) on, the orders that ended or were paid (each has a mail): n = 12967, 14961,
        // 15958, 16955, 18949, 19946; 13964 and 17952 still wait for their payment.
        Assert.Equal(6, unread);
        Assert.Equal(
            [(ActivityKind.OrderPlaced, "o19946"), (ActivityKind.WalletCredit, "ref-19946"), (ActivityKind.OrderPlaced, "o18949"), (ActivityKind.WalletCredit, "ref-18949")],
            activity.Select(a => (a.Kind, a.Id)));
    }
}

/// <summary>One database for the class: migrated, then seeded with 1,000 customers, 20,000 orders, their mails and wallet movements.</summary>
public sealed class DashboardDatabase : IAsyncLifetime
{
    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        DataSource = NpgsqlDataSource.Create(await SharedPostgres.CreateDatabaseAsync());
        await new SchemaMigrator(DataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();

        // Orders go to customer n % 997 + 1: 997 is prime to 4 and 8, so each customer's orders take every status and
        // refund flag, not one status for all (as n % 1000 would).
        await using var seed = DataSource.CreateCommand("""
            INSERT INTO customers (id, name, created_at) SELECT 'c' || n, 'Customer ' || n, '2026-01-01Z' FROM generate_series(1, 1000) n;
            INSERT INTO orders (id, customer_id, status, subtotal, discount, total, currency, item_count, created_at, expires_at, updated_at, version, etag, payment_id, refund_requested)
            SELECT 'o' || n, 'c' || (n % 997 + 1), (ARRAY['PENDING_PAYMENT','PAID','CANCELLED','EXPIRED'])[n % 4 + 1], 1000, 0, 1000 + n, 'VND', 1,
                   '2026-01-01Z'::timestamptz + n * interval '1 minute', '2026-01-01Z'::timestamptz + n * interval '1 minute' + interval '15 minutes',
                   '2026-01-01Z'::timestamptz + n * interval '1 minute', 1, 1, 'pay' || n, n % 8 = 2
            FROM generate_series(1, 20000) n;
            INSERT INTO outbox (id, dedupe_key, aggregate_type, aggregate_id, event_type, payload, occurred_at)
            SELECT gen_random_uuid(), CASE WHEN status = 'PAID' THEN 'order.paid:' ELSE 'order.ended:' END || id, 'order', id,
                   CASE WHEN status = 'PAID' THEN 'order.paid' ELSE 'order.expired' END, '{}', created_at
            FROM orders WHERE status <> 'PENDING_PAYMENT';
            INSERT INTO wallets (user_id, balance, currency, version, etag) SELECT 'c' || n, 0, 'VND', 1, 1 FROM generate_series(1, 1000) n;
            INSERT INTO wallet_entries (user_id, reference, amount, balance_after, created_at)
            SELECT 'c' || (n % 997 + 1), 'ref-' || n, 10, 10, '2026-01-01Z'::timestamptz + n * interval '1 minute' FROM generate_series(1, 20000) n;
            ANALYZE;
            """);
        await seed.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync() => await DataSource.DisposeAsync();
}
