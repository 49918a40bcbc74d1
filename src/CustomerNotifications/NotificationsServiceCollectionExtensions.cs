using CustomerNotifications.Inbox;
using CustomerNotifications.Mail;
using CustomerNotifications.Recipients;
using IntegrationEvents;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace CustomerNotifications;

public static class NotificationsServiceCollectionExtensions
{
    /// <summary>The connection string's name: <c>ConnectionStrings:Notifications</c>.</summary>
    public const string ConnectionStringName = "Notifications";

    /// <summary>
    /// The customer notifications: <see cref="NotificationHandler"/>, also as the <see cref="IIntegrationEventHandler"/>
    /// unless one is registered already. What backs it follows <paramref name="configuration"/>:
    /// <list type="bullet">
    /// <item><c>ConnectionStrings:Notifications</c> set → the inbox is the <c>notification_inbox</c> table there,
    /// migrated while the host starts (register this before the consumer); unset → an inbox in memory;</item>
    /// <item><c>Smtp:Host</c> set → mails go through that server; unset → mails are only logged.</item>
    /// </list>
    /// The "Notifications" and "Smtp" sections are validated when the host starts.
    /// </summary>
    public static IServiceCollection AddCustomerNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<NotificationMetrics>();
        services.TryAddSingleton<IRecipientDirectory, TemplateRecipientDirectory>();
        services.TryAddSingleton<NotificationMails>();

        if (string.IsNullOrWhiteSpace(configuration[$"{SmtpOptions.SectionName}:{nameof(SmtpOptions.Host)}"]))
        {
            services.TryAddSingleton<IMailSender, LoggingMailSender>();
        }
        else
        {
            services.TryAddSingleton<IMailSender, SmtpMailSender>();
        }

        if (configuration.GetConnectionString(ConnectionStringName) is { } connectionString && !string.IsNullOrWhiteSpace(connectionString))
        {
            // Parsed now, so a malformed string stops the start with this message rather than at the first event.
            try
            {
                _ = new NpgsqlConnectionStringBuilder(connectionString);
            }
            catch (ArgumentException exception)
            {
                throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is not a PostgreSQL connection string: {exception.Message}", exception);
            }

            services.TryAddSingleton(_ => new NotificationsDatabase(NpgsqlDataSource.Create(connectionString)));
            services.TryAddSingleton<INotificationInbox, PostgresNotificationInbox>();
            services.TryAddSingleton<InboxMigrator>();
            services.AddHostedService<InboxMigration>();
        }
        else
        {
            services.TryAddSingleton<INotificationInbox, InMemoryNotificationInbox>();
        }

        services.TryAddSingleton<NotificationHandler>();
        services.TryAddSingleton<IIntegrationEventHandler>(provider => provider.GetRequiredService<NotificationHandler>());
        return services;
    }
}
