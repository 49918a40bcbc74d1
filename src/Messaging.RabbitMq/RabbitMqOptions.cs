using System.ComponentModel.DataAnnotations;

namespace Messaging.RabbitMq;

/// <summary>The broker ("RabbitMq" section). Without <see cref="Uri"/> there is no broker: events are delivered in process.</summary>
public sealed class RabbitMqOptions
{
    public const string SectionName = "RabbitMq";

    /// <summary>The broker's AMQP URI (<c>amqp://user:password@host:5672/vhost</c>); secrets come from the environment.</summary>
    public Uri? Uri { get; set; }

    /// <summary>The durable topic exchange the events are published to, by type.</summary>
    [Required, MinLength(1)]
    public string Exchange { get; set; } = "commerce.events";

    /// <summary>How long a batch may wait for the broker's confirms before the relay gives up on it and retries.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The name this process gives its connection, as the broker's management shows it.</summary>
    public string? ClientName { get; set; }
}
