using Grains.Orders;
using Grains.Outbox;
using Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grains.Payments;

/// <summary>
/// A payment: its gateway session, the reports the gateway sent or answered, and its order's confirmation. Reports
/// come from IPN calls (often repeated, sometimes out of order) and from the poll reminder, which asks the gateway
/// while the payment is pending and the order's deadline has not passed (cases C10 and C16). Both are applied the
/// same way, one at a time. A success is recorded first and then told to the order; if telling fails, the reminder
/// tells it again, so a crash between the two cannot leave a paid order pending.
/// </summary>
// Opened by its order, so activated beside it: opening it is a call within the silo.
[Orleans.Placement.PreferLocalPlacement]
public sealed partial class PaymentGrain(
    [PersistentState("payment", StorageNames.Commerce)] IPersistentState<PaymentState> payment,
    IPaymentGateway gateway,
    IOptions<CommerceOptions> options,
    TimeProvider time,
    ILogger<PaymentGrain> logger) : Grain, IPaymentGrain, IRemindable
{
    private const string Poll = "poll-gateway";

    private PaymentState State => payment.State;

    private string PaymentId => this.GetPrimaryKeyString();

    public async Task<PaymentOpened> Open(OpenPayment command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (State.Exists)
        {
            return State.OrderId == command.OrderId
                ? new PaymentOpened(PaymentId, State.PayUrl)
                : throw new InvalidOperationException($"Payment {PaymentId} belongs to order {State.OrderId}, not {command.OrderId}.");
        }

        var now = time.GetUtcNow();
        var orderInfo = $"Thanh toan don hang {command.OrderId}";
        var session = gateway.CreateSession(new PaymentSessionRequest(PaymentId, command.Amount, orderInfo, command.ClientIp, now, command.ExpiresAt));
        State.Exists = true;
        State.OrderId = command.OrderId;
        State.Status = PaymentStatus.Pending;
        State.Amount = command.Amount;
        State.Currency = command.Currency;
        State.OrderInfo = orderInfo;
        State.PayUrl = session.PayUrl;
        State.GatewayCreatedAt = session.GatewayCreatedAt;
        State.CreatedAt = State.UpdatedAt = now;
        State.ExpiresAt = command.ExpiresAt;
        await payment.WriteStateAsync();

        // Durable before the customer can pay: if every IPN is lost, this is how the payment is ever seen (C16).
        await this.RegisterOrUpdateReminder(Poll, options.Value.PaymentPollInterval, options.Value.PaymentPollInterval);
        return new PaymentOpened(PaymentId, session.PayUrl);
    }

    public async Task Discard(string orderId)
    {
        if (State.Exists && (State.OrderId != orderId || State.Status != PaymentStatus.Pending))
        {
            return;
        }

        if (State.Exists)
        {
            await payment.ClearStateAsync();
        }

        await StopPollingAsync();
        DeactivateOnIdle();
    }

    public Task<PaymentView?> Get() => Task.FromResult(State.Exists ? State.View(PaymentId) : null);

    public Task<PaymentReportOutcome> Report(PaymentReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return ApplyAsync(report);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != Poll)
        {
            return;
        }

        if (!State.Exists || (State.Status == PaymentStatus.Succeeded && State.OrderConfirmed))
        {
            await StopPollingAsync();
            return;
        }

        if (State.Status == PaymentStatus.Succeeded)
        {
            await ConfirmOrderAsync();
            return;
        }

        var now = time.GetUtcNow();
        var answered = false;
        try
        {
            if (await gateway.QueryAsync(new PaymentLookup(PaymentId, State.OrderInfo, State.GatewayCreatedAt), CancellationToken.None) is { } report)
            {
                await ApplyAsync(report);
            }

            answered = true;
        }
        catch (PaymentGatewayException exception)
        {
            LogPollFailed(logger, exception, PaymentId);
        }

        if (State.Status != PaymentStatus.Pending || now < State.ExpiresAt)
        {
            return;
        }

        // The gateway closes the transaction at the order's deadline (vnp_ExpireDate), so its first answer past the
        // deadline is final. While it cannot answer (down, circuit open), a customer who paid just before the deadline
        // is only seen by asking again, so polling goes on until the holds' grace ends too. A late IPN is still taken.
        if (answered || now >= State.ExpiresAt + options.Value.HoldGrace)
        {
            if (!answered)
            {
                LogPollingAbandoned(logger, PaymentId, State.OrderId);
            }

            await StopPollingAsync();
        }
    }

    /// <summary>The checks in VNPay's order (after the checksum, which the caller verified): unknown, amount, already confirmed.</summary>
    private async Task<PaymentReportOutcome> ApplyAsync(PaymentReport report)
    {
        if (!State.Exists)
        {
            return PaymentReportOutcome.UnknownPayment;
        }

        if (report.Amount != State.Amount)
        {
            LogAmountMismatch(logger, PaymentId, State.OrderId, State.Amount, report.Amount, report.Source, report.TransactionNo);
            return PaymentReportOutcome.AmountMismatch;
        }

        var isNew = !State.Events.Any(e => e.SameReportAs(report));
        if (State.Status == PaymentStatus.Succeeded)
        {
            if (isNew)
            {
                // Late or out of order (a failure after the success, another transaction): kept for the record only.
                Record(report, applied: false);
                if (report.IsSuccess && report.TransactionNo != State.TransactionNo)
                {
                    LogSecondSuccess(logger, PaymentId, State.OrderId, State.TransactionNo, report.TransactionNo);
                    RequestRefund(report.TransactionNo, State.Amount, RefundReasons.SecondSuccess);
                }

                await payment.WriteStateAsync();
            }

            // The success was recorded but the order never heard of it (a crash or failure in between): tell it now,
            // as the gateway repeats its call until answered.
            if (!State.OrderConfirmed)
            {
                await ConfirmOrderAsync();
            }

            return PaymentReportOutcome.AlreadyConfirmed;
        }

        if (!report.IsSuccess)
        {
            // A failed attempt: recorded, and the payment stays open for another attempt until the deadline.
            if (isNew)
            {
                Record(report, applied: true);
                if (report.IsHeldAsSuspicious)
                {
                    LogHeldAsSuspicious(logger, PaymentId, State.OrderId, report.TransactionNo);
                }

                await payment.WriteStateAsync();
            }

            return PaymentReportOutcome.Recorded;
        }

        State.Status = PaymentStatus.Succeeded;
        State.TransactionNo = report.TransactionNo;
        State.PaidAt = time.GetUtcNow();
        Record(report, applied: true);
        await payment.WriteStateAsync();
        await ConfirmOrderAsync();
        return PaymentReportOutcome.Recorded;
    }

    private void Record(PaymentReport report, bool applied)
    {
        var recorded = new PaymentEvent(State.Events.Count + 1, report.Source, report.TransactionNo, report.ResponseCode, report.TransactionStatus,
            report.Amount, applied, time.GetUtcNow());
        State.Events.Add(recorded);
        State.NewEvents.Add(recorded);
        State.UpdatedAt = recorded.ReceivedAt;
    }

    /// <summary>
    /// Tells the order. If the order cannot hear it, whatever the reason, the poll reminder (registered again if
    /// polling had ended) tells it later; if even that cannot be registered, the caller fails and the gateway repeats
    /// its call.
    /// </summary>
    private async Task ConfirmOrderAsync()
    {
        PaymentConfirmation confirmation;
        try
        {
            confirmation = await GrainFactory.GetGrain<IOrderGrain>(State.OrderId)
                .ConfirmPayment(new ConfirmPayment(PaymentId, State.TransactionNo!, State.Amount, State.PaidAt!.Value));
        }
        catch (Exception exception)
        {
            LogConfirmFailed(logger, exception, PaymentId, State.OrderId);
            await this.RegisterOrUpdateReminder(Poll, options.Value.PaymentPollInterval, options.Value.PaymentPollInterval);
            return;
        }

        switch (confirmation)
        {
            case PaymentConfirmation.RefundRequired:
                LogRefundRequired(logger, PaymentId, State.OrderId);
                break;
            case PaymentConfirmation.UnknownOrder:
                LogUnknownOrder(logger, PaymentId, State.OrderId, State.TransactionNo);
                RequestRefund(State.TransactionNo!, State.Amount, RefundReasons.UnknownOrder);
                break;
        }

        State.OrderConfirmed = true;
        State.UpdatedAt = time.GetUtcNow();
        await payment.WriteStateAsync();
        await StopPollingAsync();
    }

    /// <summary>Money this payment took pays for no order: asked back in the next write (once per transaction).</summary>
    private void RequestRefund(string transactionNo, long amount, string reason)
    {
        var now = time.GetUtcNow();
        State.RaisedEvents.Add(OutboxEvents.RefundRequired("payment", PaymentId,
            new RefundRequiredPayload(State.OrderId, CustomerId: null, OrderStatus: null, PaymentId, transactionNo, amount, State.Currency, now, reason), now));
    }

    private async Task StopPollingAsync()
    {
        if (await this.GetReminder(Poll) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    [LoggerMessage(200, LogLevel.Warning,
        "Security: the gateway reported amount {ReportedAmount} for payment {PaymentId} of order {OrderId}, which is {ExpectedAmount}; refused ({Source}, transaction {TransactionNo}).",
        EventName = "PaymentAmountMismatch")]
    private static partial void LogAmountMismatch(ILogger logger, string paymentId, string orderId, long expectedAmount, long? reportedAmount, PaymentReportSource source, string transactionNo);

    [LoggerMessage(201, LogLevel.Information, "Polling the gateway for payment {PaymentId} failed; the next tick tries again.")]
    private static partial void LogPollFailed(ILogger logger, Exception exception, string paymentId);

    [LoggerMessage(202, LogLevel.Warning, "Payment {PaymentId} succeeded but order {OrderId} could not be told; the poll reminder retries.")]
    private static partial void LogConfirmFailed(ILogger logger, Exception exception, string paymentId, string orderId);

    [LoggerMessage(203, LogLevel.Warning, "Payment {PaymentId} succeeded after order {OrderId} had ended unpaid: a refund was requested.")]
    private static partial void LogRefundRequired(ILogger logger, string paymentId, string orderId);

    [LoggerMessage(204, LogLevel.Warning,
        "Payment {PaymentId} of order {OrderId} is still pending past its deadline and the gateway could not be asked since; polling ended. Check it with the gateway.",
        EventName = "PaymentPollingAbandoned")]
    private static partial void LogPollingAbandoned(ILogger logger, string paymentId, string orderId);

    [LoggerMessage(205, LogLevel.Error,
        "Payment {PaymentId} of order {OrderId} was paid by transaction {FirstTransactionNo} and again by {SecondTransactionNo}; the second was recorded, not applied, and its refund asked for.",
        EventName = "PaymentSecondSuccess")]
    private static partial void LogSecondSuccess(ILogger logger, string paymentId, string orderId, string? firstTransactionNo, string secondTransactionNo);

    [LoggerMessage(206, LogLevel.Error,
        "Payment {PaymentId} of order {OrderId}: the gateway took the money in transaction {TransactionNo} but holds it as suspected fraud; the order stays unpaid. Review it with the gateway.",
        EventName = "PaymentHeldAsSuspicious")]
    private static partial void LogHeldAsSuspicious(ILogger logger, string paymentId, string orderId, string transactionNo);

    [LoggerMessage(207, LogLevel.Error,
        "Payment {PaymentId} succeeded (transaction {TransactionNo}) for order {OrderId}, which does not exist: its refund was asked for.",
        EventName = "PaymentForUnknownOrder")]
    private static partial void LogUnknownOrder(ILogger logger, string paymentId, string orderId, string? transactionNo);
}
