using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Reminders;

namespace Commerce.Testing;

/// <summary>Puts the grains on a test's clock while the silo's own machinery keeps real time.</summary>
public static class GrainClock
{
    /// <summary>
    /// Registers <paramref name="clock"/> as the product's time and as Orleans' grain and reminder clocks (timers,
    /// reminder ticks), and pins every other Orleans area (membership, messaging, directory, collection) to real time,
    /// so advancing the clock fires the grains' reminders and nothing else. Call before Orleans registers its own.
    /// </summary>
    public static IServiceCollection UseGrainClock(this IServiceCollection services, FakeTimeProvider clock)
    {
        services.AddSingleton<TimeProvider>(clock);
        services.AddKeyedSingleton<TimeProvider>(KeyedService.AnyKey, TimeProvider.System);
        services.AddKeyedSingleton<TimeProvider>(TimeProviderNames.Grains, clock);
        services.AddKeyedSingleton<TimeProvider>(ReminderTimeProviderNames.Reminders, clock);
        return services;
    }
}
