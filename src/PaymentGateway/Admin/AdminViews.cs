using PaymentGateway.Ipn;
using PaymentGateway.Query;
using PaymentGateway.Transactions;

namespace PaymentGateway.Admin;

/// <summary>Turns the simulator's state into the admin API's bodies.</summary>
public static class AdminViews
{
    public static TransactionView Of(PaymentTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var outcome = transaction.Outcome;
        var status = outcome is null ? TransactionViewStatuses.Pending : outcome.Succeeded ? TransactionViewStatuses.Success : TransactionViewStatuses.Failed;
        return new TransactionView(transaction.TxnRef, transaction.Amount, status, outcome?.TransactionNo, outcome?.ResponseCode,
            transaction.TransactionStatus, transaction.CreateDate, transaction.ExpireDate, outcome?.PayDate);
    }

    public static IpnFaultsView Of(IpnFaultSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new IpnFaultsView(settings.Drop, settings.DelayMs, settings.Copies, settings.ReorderWindow);
    }

    public static StatusFaultsView Of(StatusFaultSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var mode = settings.ErrorMode == StatusErrorMode.Http500 ? StatusErrorModeNames.Http500 : StatusErrorModeNames.Code99;
        return new StatusFaultsView(settings.LatencyMs, settings.ErrorRate, mode, settings.Down);
    }
}
