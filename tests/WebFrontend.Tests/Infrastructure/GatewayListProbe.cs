using Microsoft.Extensions.DependencyInjection;
using Orleans.Messaging;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>
/// Watches the gateway lists a front end's Orleans client reads from the membership table, so a test can wait until
/// the client knows a silo's gateway (a signal) rather than retrying requests until one gets through.
/// </summary>
public sealed class GatewayListProbe(IGatewayListProvider inner) : IGatewayListProvider
{
    private readonly Lock _lock = new();
    private readonly List<(int Port, TaskCompletionSource Done, bool SeenOnce)> _waiters = [];

    public TimeSpan MaxStaleness => inner.MaxStaleness;

    [Obsolete("Orleans treats every gateway list provider as updatable.")]
    public bool IsUpdatable => true;

    /// <summary>Decorates the client's gateway list provider registered in <paramref name="services"/>.</summary>
    public static void Decorate(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IGatewayListProvider));
        services.Remove(registered);
        services.AddSingleton<GatewayListProbe>(provider => new GatewayListProbe(registered.ImplementationFactory is { } factory
            ? (IGatewayListProvider)factory(provider)
            : (IGatewayListProvider)ActivatorUtilities.CreateInstance(provider, registered.ImplementationType!)));
        services.AddSingleton<IGatewayListProvider>(provider => provider.GetRequiredService<GatewayListProbe>());
    }

    /// <summary>
    /// Completes once the client has read a list holding the gateway on <paramref name="port"/> and read again after that,
    /// so the refresh that found it has also put it in the client's live list.
    /// </summary>
    public Task WhenKnown(int port)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waiters.Add((port, done, false));
        }

        return done.Task.WaitAsync(TimeSpan.FromMinutes(1));
    }

    public Task InitializeGatewayListProvider() => inner.InitializeGatewayListProvider();

    public async Task<IList<Uri>> GetGateways()
    {
        var gateways = await inner.GetGateways();
        List<TaskCompletionSource> known = [];
        lock (_lock)
        {
            for (var i = 0; i < _waiters.Count; i++)
            {
                var (port, done, seenOnce) = _waiters[i];
                if (seenOnce)
                {
                    known.Add(done);
                }
                else if (gateways.Any(g => g.Port == port))
                {
                    _waiters[i] = (port, done, true);
                }
            }

            _waiters.RemoveAll(w => known.Contains(w.Done));
        }

        known.ForEach(done => done.TrySetResult());
        return gateways;
    }
}
