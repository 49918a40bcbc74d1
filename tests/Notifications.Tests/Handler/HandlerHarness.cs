using Commerce.Testing;
using CustomerNotifications;
using CustomerNotifications.Inbox;
using CustomerNotifications.Mail;
using IntegrationEvents;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Notifications.Tests.Infrastructure;

namespace Notifications.Tests.Handler;

/// <summary>
/// The notifications as the embedded mode composes them (AddCustomerNotifications without a database: the in-memory
/// inbox), with a recording mail sender, a fake clock and a collector per metric.
/// </summary>
public sealed class HandlerHarness : IDisposable
{
    private readonly ServiceProvider _services;

    public HandlerHarness(Dictionary<string, string?>? settings = null, bool recordMails = true)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>
        {
            ["Notifications:RecipientAddress"] = NotificationsWorkerSettings.RecipientTemplate,
            ["Notifications:RefundDeskAddress"] = NotificationsWorkerSettings.RefundDesk,
            ["Smtp:From"] = NotificationsWorkerSettings.From,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddFakeLogging();
        services.AddSingleton<TimeProvider>(Clock);
        if (recordMails)
        {
            services.AddSingleton<IMailSender>(Mail);
        }

        services.AddCustomerNotifications(configuration);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var meters = _services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        Handled = new MetricCollector<long>(meters, NotificationMetrics.MeterName, NotificationMetrics.EventsHandledName);
        Duplicates = new MetricCollector<long>(meters, NotificationMetrics.MeterName, NotificationMetrics.DuplicatesSkippedName);
        Sent = new MetricCollector<long>(meters, NotificationMetrics.MeterName, NotificationMetrics.MailsSentName);
        Undeliverable = new MetricCollector<long>(meters, NotificationMetrics.MeterName, NotificationMetrics.MailsUndeliverableName);
        Lag = new MetricCollector<double>(meters, NotificationMetrics.MeterName, NotificationMetrics.LagName);
    }

    public FakeTimeProvider Clock { get; } = new(TestEvents.At);

    public RecordingMailSender Mail { get; } = new();

    public IServiceProvider Services => _services;

    /// <summary>The handler as a consumer gets it: the registered <see cref="IIntegrationEventHandler"/>.</summary>
    public IIntegrationEventHandler Handler => _services.GetRequiredService<IIntegrationEventHandler>();

    public InMemoryNotificationInbox Inbox => (InMemoryNotificationInbox)_services.GetRequiredService<INotificationInbox>();

    public MetricCollector<long> Handled { get; }

    public MetricCollector<long> Duplicates { get; }

    public MetricCollector<long> Sent { get; }

    public MetricCollector<long> Undeliverable { get; }

    public MetricCollector<double> Lag { get; }

    public static long Total(MetricCollector<long> collector, string eventType)
        => collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags[NotificationMetrics.EventTypeTag], eventType)).Sum(m => m.Value);

    public void Dispose()
    {
        Handled.Dispose();
        Duplicates.Dispose();
        Sent.Dispose();
        Undeliverable.Dispose();
        Lag.Dispose();
        _services.Dispose();
    }
}
