using Grains.Payments;
using Grains.Persistence.Storage;
using Npgsql;

namespace Grains.Persistence.Stores;

/// <summary>
/// A payment in <c>payments</c>, its reports in <c>payment_events</c>. A write updates the payment row and inserts
/// the reports received since the last write and the outbox events raised, in one transaction.
/// </summary>
internal sealed class PaymentStateStore(NpgsqlDataSource dataSource, SharedTransactionWriter writer) : IGrainStateStore<PaymentState>
{
    private const string SelectPayment = """
        SELECT order_id, status, amount, currency, order_info, pay_url, gateway_created_at, created_at, expires_at, updated_at,
               transaction_no, paid_at, order_confirmed, etag
        FROM payments WHERE id = $1
        """;

    private const string SelectEvents = """
        SELECT sequence, source, transaction_no, response_code, transaction_status, amount, applied, received_at
        FROM payment_events WHERE payment_id = $1 ORDER BY sequence
        """;

    public Task<StoredState<PaymentState>?> ReadAsync(string grainKey, CancellationToken cancellationToken)
        => GuardedRead.ReadAsync(
            dataSource,
            grainKey,
            SelectPayment,
            SelectEvents,
            row => new PaymentState
            {
                Exists = true,
                OrderId = row.GetString(0),
                Status = Enum.Parse<PaymentStatus>(row.GetString(1)),
                Amount = row.GetInt64(2),
                Currency = row.GetString(3),
                OrderInfo = row.GetString(4),
                PayUrl = row.GetString(5),
                GatewayCreatedAt = row.GetString(6),
                CreatedAt = row.GetFieldValue<DateTimeOffset>(7),
                ExpiresAt = row.GetFieldValue<DateTimeOffset>(8),
                UpdatedAt = row.GetFieldValue<DateTimeOffset>(9),
                TransactionNo = row.IsDBNull(10) ? null : row.GetString(10),
                PaidAt = row.IsDBNull(11) ? null : row.GetFieldValue<DateTimeOffset>(11),
                OrderConfirmed = row.GetBoolean(12),
            },
            (row, state) => state.Events.Add(new PaymentEvent(
                row.GetInt32(0),
                Enum.Parse<PaymentReportSource>(row.GetString(1)),
                row.GetString(2),
                row.GetString(3),
                row.GetString(4),
                row.IsDBNull(5) ? null : row.GetInt64(5),
                row.GetBoolean(6),
                row.GetFieldValue<DateTimeOffset>(7))),
            cancellationToken);

    // Not async: every command is built from the state before anything is awaited.
    public Task<long> WriteAsync(string grainKey, PaymentState state, long? expectedEtag, CancellationToken cancellationToken)
    {
        var id = grainKey;
        var status = state.Status.ToString();
        var guarded = expectedEtag is null
            ? GuardedWrite.Command(
                """
                INSERT INTO payments (id, order_id, status, amount, currency, order_info, pay_url, gateway_created_at, created_at, expires_at,
                                      updated_at, transaction_no, paid_at, order_confirmed, etag)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::timestamptz, $14, 1) ON CONFLICT DO NOTHING
                """,
                id, state.OrderId, status, state.Amount, state.Currency, state.OrderInfo, state.PayUrl, state.GatewayCreatedAt,
                state.CreatedAt, state.ExpiresAt, state.UpdatedAt, state.TransactionNo, state.PaidAt, state.OrderConfirmed)
            : GuardedWrite.Command(
                """
                UPDATE payments SET status = $2, updated_at = $3, transaction_no = $4, paid_at = $5, order_confirmed = $6, etag = etag + 1
                WHERE id = $1 AND etag = $7
                """,
                id, status, state.UpdatedAt, state.TransactionNo, state.PaidAt, state.OrderConfirmed, expectedEtag.Value);
        var commands = new List<NpgsqlBatchCommand>(1 + state.NewEvents.Count) { guarded };
        foreach (var report in state.NewEvents)
        {
            commands.Add(GuardedWrite.Command(
                """
                INSERT INTO payment_events (payment_id, sequence, source, transaction_no, response_code, transaction_status, amount, applied, received_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                """,
                id, report.Sequence, report.Source.ToString(), report.TransactionNo, report.ResponseCode, report.TransactionStatus, report.Amount,
                report.Applied, report.ReceivedAt));
        }

        OutboxWrites.AddTo(commands, state.RaisedEvents);
        return GuardedWrite.ExecuteAsync(writer, "payments", id, expectedEtag, guarded, commands, "SELECT etag FROM payments WHERE id = $1", cancellationToken);
    }

    public Task ClearAsync(string grainKey, long expectedEtag, CancellationToken cancellationToken)
        => GuardedWrite.ClearAsync(dataSource, "payments", "id", grainKey, expectedEtag, cancellationToken);
}
