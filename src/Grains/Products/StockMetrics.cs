using System.Diagnostics.Metrics;

namespace Grains.Products;

/// <summary>
/// Reservations as products decide them: confirmed (counted once durable) or refused, by reason; and, apart, the
/// attempts a flash sale turned away, whether at the front end's admission check or in the order saga. A retry of a
/// reservation already held counts nothing. Per silo: sum over silos for the cluster.
/// </summary>
public sealed class StockMetrics
{
    public const string MeterName = "Commerce.Products";
    public const string ReservationsName = "commerce.stock.reservations";
    public const string FlashSaleRejectedName = "commerce.flash_sale.rejected";

    private static readonly KeyValuePair<string, object?>[] s_outcomes = Tags("outcome");
    private static readonly KeyValuePair<string, object?>[] s_reasons = Tags("reason");

    private readonly Counter<long> _reservations;
    private readonly Counter<long> _flashSaleRejected;

    public StockMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _reservations = meter.CreateCounter<long>(ReservationsName,
            description: "Stock reservations by outcome: reserved, out_of_stock, product_not_found, sale_not_started, sale_ended, purchase_limit_reached.");
        _flashSaleRejected = meter.CreateCounter<long>(FlashSaleRejectedName,
            description: "Attempts to buy a product on a flash sale that it refused, by reason: sale_not_started, sale_ended, out_of_stock, purchase_limit_reached.");
    }

    public void Reserved() => _reservations.Add(1, s_outcomes[(int)ReservationStatus.Reserved]);

    public void Refused(ReservationStatus status) => _reservations.Add(1, s_outcomes[(int)status]);

    public void FlashSaleRejected(ReservationStatus status) => _flashSaleRejected.Add(1, s_reasons[(int)status]);

    /// <summary>One tag per status, indexed by its value, made once: counting allocates nothing.</summary>
    private static KeyValuePair<string, object?>[] Tags(string key)
    {
        var statuses = Enum.GetValues<ReservationStatus>();
        var tags = new KeyValuePair<string, object?>[statuses.Max(status => (int)status) + 1];
        foreach (var status in statuses)
        {
            tags[(int)status] = new(key, Name(status));
        }

        return tags;
    }

    private static string Name(ReservationStatus status) => status switch
    {
        ReservationStatus.Reserved => "reserved",
        ReservationStatus.AlreadyReserved => "already_reserved",
        ReservationStatus.OutOfStock => "out_of_stock",
        ReservationStatus.ProductNotFound => "product_not_found",
        ReservationStatus.SaleNotStarted => "sale_not_started",
        ReservationStatus.SaleEnded => "sale_ended",
        ReservationStatus.PurchaseLimitReached => "purchase_limit_reached",
        _ => "other",
    };
}
