using System.Text.Json;

namespace Runtime.Hosting;

/// <summary>Settings of one silo, bound from the "Silo" configuration section.</summary>
public sealed class SiloOptions
{
    public const string SectionName = "Silo";

    /// <summary>Shown in logs and metrics.</summary>
    public string Name { get; set; } = Environment.MachineName;

    /// <summary>Partitions of the grain key space. Stored with every state row and reminder: fixed for the life of a cluster.</summary>
    public int PartitionCount { get; set; } = 1024;

    /// <summary>How long an activation may stay idle before it is collected, unless its class says otherwise.</summary>
    public TimeSpan DefaultCollectionAge { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often idle activations are looked for; an idle activation lives between its age and age + quantum.</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a caller waits for a grain call before it gets a <see cref="TimeoutException"/>.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often calls are checked against <see cref="CallTimeout"/>.</summary>
    public TimeSpan CallTimeoutSweepInterval => CallTimeout / 4 < TimeSpan.FromSeconds(1) ? CallTimeout / 4 : TimeSpan.FromSeconds(1);

    /// <summary>Bound on reading state plus <c>OnActivateAsync</c>.</summary>
    public TimeSpan ActivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Bound on each step of a deactivation: finishing calls, flushing writes, <c>OnDeactivateAsync</c>.</summary>
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The shortest reminder period a grain may register.</summary>
    public TimeSpan MinimumReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the reminder table is read for reminders coming due; those registered on this silo are scheduled at once.</summary>
    public TimeSpan ReminderPollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How grain state becomes JSON. Set a source-generated resolver here for speed.</summary>
    public JsonSerializerOptions StateSerializerOptions { get; set; } = RuntimeJson.DefaultOptions;
}
