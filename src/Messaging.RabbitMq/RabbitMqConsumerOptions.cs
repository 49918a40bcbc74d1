using System.ComponentModel.DataAnnotations;
using IntegrationEvents;

namespace Messaging.RabbitMq;

/// <summary>
/// The consuming side ("RabbitMq:Consumer" section): which durable queue this consumer reads, which event types it
/// binds there, how many unacknowledged deliveries it holds, and how it backs off after failures.
/// </summary>
public sealed class RabbitMqConsumerOptions : IValidatableObject
{
    public const string SectionName = "RabbitMq:Consumer";

    /// <summary>
    /// The durable queue, shared by every instance of one consumer (competing consumers). Messages it cannot read are
    /// dead-lettered to <c>&lt;Queue&gt;.rejected</c>.
    /// </summary>
    [Required, RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$", ErrorMessage = "RabbitMq:Consumer:Queue must be 1 to 200 letters, digits, '.', '_' or '-'.")]
    public string Queue { get; set; } = "notifications";

    /// <summary>
    /// The event types bound to the queue; none means all of <see cref="IntegrationEvents.EventTypes.All"/>. Only known
    /// types: a pattern (<c>#</c>) would bind events whose payloads no handler knows. Null rather than a default list,
    /// because configuration binding appends to a list it finds filled.
    /// </summary>
    public List<string>? EventTypes { get; set; }

    /// <summary>
    /// Deliveries the broker sends ahead of the acknowledgements. They are handled one at a time, in order; the rest
    /// wait in this process and go back to the queue if it dies. A failed event is put back behind them (1: strict
    /// order even across retries, at a broker round trip per event).
    /// </summary>
    [Range(1, 1000)]
    public ushort Prefetch { get; set; } = 16;

    /// <summary>The first wait before a failed event is put back in the queue; doubled at each failure in a row.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait before a failed event is put back.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The first wait before connecting again after the broker was lost or refused; doubled at each attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two connection attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where messages that can never be handled go: a durable queue next to <see cref="Queue"/>.</summary>
    public string RejectedQueue => Queue + ".rejected";

    /// <summary>The event types to bind: <see cref="EventTypes"/>, or all of them.</summary>
    public IReadOnlyList<string> BoundEventTypes => EventTypes is { Count: > 0 } types ? types : IntegrationEvents.EventTypes.All;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var type in EventTypes ?? [])
        {
            if (!IntegrationEvents.EventTypes.All.Contains(type, StringComparer.Ordinal))
            {
                yield return new ValidationResult($"RabbitMq:Consumer:EventTypes: '{type}' is not an event type (known: {string.Join(", ", IntegrationEvents.EventTypes.All)}).", [nameof(EventTypes)]);
            }
        }

        if (MaxRetryDelay < RetryDelay)
        {
            yield return new ValidationResult("RabbitMq:Consumer:MaxRetryDelay must not be shorter than RetryDelay.", [nameof(MaxRetryDelay)]);
        }

        if (MaxReconnectDelay < ReconnectDelay)
        {
            yield return new ValidationResult("RabbitMq:Consumer:MaxReconnectDelay must not be shorter than ReconnectDelay.", [nameof(MaxReconnectDelay)]);
        }
    }
}
