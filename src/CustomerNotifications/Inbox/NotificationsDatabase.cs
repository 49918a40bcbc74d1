using Npgsql;

namespace CustomerNotifications.Inbox;

/// <summary>
/// The notifications' own database (ConnectionStrings:Notifications), kept apart from the commerce database: a type
/// of its own so that it never stands in for, or is replaced by, another <see cref="NpgsqlDataSource"/> in a host.
/// </summary>
public sealed class NotificationsDatabase(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
