using Commerce.Testing;
using CustomerNotifications;
using Messaging.RabbitMq;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Notifications.Tests.Infrastructure;

namespace Notifications.Tests.Settings;

/// <summary>The notifications' and the consumer's settings as a host checks them when it starts.</summary>
public sealed class OptionsValidationTests
{
    private static Dictionary<string, string?> Valid() => new()
    {
        ["RabbitMq:Uri"] = "amqp://guest:guest@127.0.0.1:1/",
        ["Notifications:RecipientAddress"] = NotificationsWorkerSettings.RecipientTemplate,
        ["Notifications:RefundDeskAddress"] = NotificationsWorkerSettings.RefundDesk,
        ["Smtp:Host"] = "smtp.example.com",
        ["Smtp:From"] = NotificationsWorkerSettings.From,
    };

    [Theory]
    [InlineData("Notifications:RecipientAddress", null, "Notifications:RecipientAddress is required")]
    [InlineData("Notifications:RecipientAddress", "x@{customer_id}", "Notifications:RecipientAddress")]
    [InlineData("Notifications:RefundDeskAddress", null, "Notifications:RefundDeskAddress is required")]
    [InlineData("Notifications:RefundDeskAddress", "Refunds <refunds@example.com>", "Notifications:RefundDeskAddress")]
    [InlineData("Smtp:From", null, "Smtp:From is required when Smtp:Host is set")]
    [InlineData("Smtp:From", "no-reply", "Smtp:From 'no-reply' is not an e-mail address")]
    [InlineData("Smtp:Host", "smtp example com", "Smtp:Host")]
    [InlineData("Smtp:Port", "0", "Port")]
    [InlineData("Smtp:User", "mailer", "Smtp:User and Smtp:Password go together")]
    [InlineData("Smtp:SecureSocketOptions", "9", "Smtp:SecureSocketOptions")]
    [InlineData("Smtp:Timeout", "00:00:00", "Timeout")]
    [InlineData("RabbitMq:Uri", "http://broker:5672/", "RabbitMq:Uri must be the broker's AMQP URI")]
    [InlineData("RabbitMq:Consumer:Queue", "bad queue", "RabbitMq:Consumer:Queue must be")]
    [InlineData("RabbitMq:Consumer:EventTypes:0", "order.#", "'order.#' is not an event type")]
    [InlineData("RabbitMq:Consumer:Prefetch", "0", "Prefetch")]
    [InlineData("RabbitMq:Consumer:RetryDelay", "00:00:05", "MaxRetryDelay must not be shorter than RetryDelay")]
    [InlineData("RabbitMq:Consumer:MaxRetryDelay", "00:00:00.001", "MaxRetryDelay")]
    [InlineData("RabbitMq:Consumer:MaxReconnectDelay", "00:00:00.5", "MaxReconnectDelay must not be shorter than ReconnectDelay")]
    public async Task A_setting_that_cannot_work_stops_the_host_naming_it(string key, string? value, string message)
    {
        var settings = Valid();
        settings[key] = value;
        if (key == "RabbitMq:Consumer:RetryDelay")
        {
            settings["RabbitMq:Consumer:MaxRetryDelay"] = "00:00:01";
        }

        using var host = Build(settings);

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(message, string.Join(" ", exception.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_settings_pass_and_bound_event_types_default_to_all()
    {
        var settings = Valid();
        settings["RabbitMq:Consumer:EventTypes:0"] = "order.paid";
        using var host = Build(settings);

        Assert.Equal(["order.paid"], host.Services.GetRequiredService<IOptions<RabbitMqConsumerOptions>>().Value.BoundEventTypes);
        Assert.Equal(IntegrationEvents.EventTypes.All, new RabbitMqConsumerOptions().BoundEventTypes);
        Assert.Equal("notifications.rejected", new RabbitMqConsumerOptions().RejectedQueue);
        Assert.NotNull(host.Services.GetRequiredService<IOptions<NotificationOptions>>().Value.RecipientAddress);
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddCustomerNotifications(builder.Configuration);
        builder.Services.AddRabbitMqEventConsumer();
        return builder.Build();
    }
}
