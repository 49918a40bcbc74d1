using Microsoft.Extensions.Logging;
using Runtime.Diagnostics;
using Runtime.Hosting;
using Runtime.Reminders;

namespace Runtime.Activation;

/// <summary>The silo-wide services every activation uses, shared so an activation carries one reference, not eight.</summary>
internal sealed record ActivationServices(
    Catalog Catalog,
    Lazy<IGrainFactory> GrainFactory,
    SiloOptions Options,
    TimeProvider TimeProvider,
    GrainActivator Activator,
    ReminderRegistry Reminders,
    RuntimeMetrics Metrics,
    ILogger Logger);
