using Microsoft.Extensions.Options;
using Runtime.Hosting;

namespace Runtime.Cluster;

/// <summary>This silo process's member id: its name plus a random suffix, so a restarted silo is a new member.</summary>
internal sealed class SiloIdentity(IOptions<SiloOptions> options)
{
    public string Id { get; } = $"{options.Value.Name}-{Guid.NewGuid().ToString("N")[..8]}";
}
