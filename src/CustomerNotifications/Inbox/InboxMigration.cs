using Microsoft.Extensions.Hosting;

namespace CustomerNotifications.Inbox;

/// <summary>
/// Migrates the inbox while the host starts, before the services registered after it (the consumer) start: an inbox
/// that cannot be migrated stops the start, rather than consuming events it could not record.
/// </summary>
public sealed class InboxMigration(InboxMigrator migrator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
