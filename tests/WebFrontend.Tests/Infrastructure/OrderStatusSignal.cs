using Npgsql;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>Order status changes in the test database (<see cref="StatusChangeSignal"/> on <c>orders</c>).</summary>
public static class OrderStatusSignal
{
    private static readonly StatusChangeSignal s_orders = new("orders");

    /// <summary>Installs the trigger. Call once the silos have migrated the schema (the orders table exists).</summary>
    public static Task InstallAsync(NpgsqlDataSource database) => s_orders.InstallAsync(database);

    /// <summary>Waits until <paramref name="isReached"/> answers true, asked at once and at each order's status change.</summary>
    public static Task<T> WaitAsync<T>(NpgsqlDataSource database, Func<Task<(bool Reached, T Value)>> isReached, TimeSpan within, Func<T, string> describe)
        => s_orders.WaitAsync(database, isReached, within, describe);
}
