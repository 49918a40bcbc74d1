using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Messaging.RabbitMq;

public static class RabbitMqConsumerServiceCollectionExtensions
{
    /// <summary>
    /// Runs <see cref="RabbitMqEventConsumer"/> in this host, handing events to the registered
    /// <see cref="IntegrationEvents.IIntegrationEventHandler"/>. Reads "RabbitMq" (<see cref="RabbitMqOptions.Uri"/> is
    /// required) and "RabbitMq:Consumer"; both are validated when the host starts.
    /// </summary>
    public static IServiceCollection AddRabbitMqEventConsumer(this IServiceCollection services)
    {
        services.AddOptions<RabbitMqOptions>()
            .BindConfiguration(RabbitMqOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(options => options.Uri is { IsAbsoluteUri: true, Scheme: "amqp" or "amqps" },
                "RabbitMq:Uri must be the broker's AMQP URI (amqp://user:password@host:5672/vhost, or amqps://).")
            .ValidateOnStart();
        services.AddOptions<RabbitMqConsumerOptions>()
            .BindConfiguration(RabbitMqConsumerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RabbitMqConsumerStatus>();
        services.AddHostedService<RabbitMqEventConsumer>();
        return services;
    }
}
