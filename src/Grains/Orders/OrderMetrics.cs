using System.Diagnostics.Metrics;

namespace Grains.Orders;

/// <summary>
/// Orders as they change, counted once the write recording the change has committed (a failed write counts nothing;
/// a retry that finds the order already changed counts nothing either). Per silo: sum over silos for the cluster.
/// </summary>
public sealed class OrderMetrics
{
    public const string MeterName = "Commerce.Orders";
    public const string CreatedName = "commerce.orders.created";
    public const string PaidName = "commerce.orders.paid";
    public const string ExpiredName = "commerce.orders.expired";
    public const string CancelledName = "commerce.orders.cancelled";

    /// <summary>Expired at its payment deadline, unpaid.</summary>
    private static readonly KeyValuePair<string, object?> s_deadline = new("reason", "deadline");

    /// <summary>Paid after its holds lapsed and the units were sold meanwhile: expired, its money to be refunded.</summary>
    private static readonly KeyValuePair<string, object?> s_soldOut = new("reason", "sold_out");

    private readonly Counter<long> _created;
    private readonly Counter<long> _paid;
    private readonly Counter<long> _expired;
    private readonly Counter<long> _cancelled;

    public OrderMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _created = meter.CreateCounter<long>(CreatedName, description: "Orders placed: stock held, payment opened, order written.");
        _paid = meter.CreateCounter<long>(PaidName, description: "Orders paid.");
        _expired = meter.CreateCounter<long>(ExpiredName, description: "Orders that ended unpaid, by reason: deadline, sold_out (paid too late).");
        _cancelled = meter.CreateCounter<long>(CancelledName, description: "Orders cancelled by their customer or staff before payment.");
    }

    public void Created() => _created.Add(1);

    public void Paid() => _paid.Add(1);

    public void ExpiredAtDeadline() => _expired.Add(1, s_deadline);

    public void ExpiredSoldOut() => _expired.Add(1, s_soldOut);

    public void Cancelled() => _cancelled.Add(1);
}
