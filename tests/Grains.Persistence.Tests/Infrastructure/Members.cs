using System.Net;
using Orleans;
using Orleans.Runtime;

namespace Grains.Persistence.Tests.Infrastructure;

/// <summary>Membership entries as the membership protocol writes them, for scratch clusters.</summary>
public static class Members
{
    public static MembershipEntry Member(int port, SiloStatus status, DateTime startTime) => new()
    {
        SiloAddress = Address(port),
        SiloName = $"scratch-{port}",
        HostName = "scratch-host",
        Status = status,
        ProxyPort = port + 1000,
        StartTime = startTime,
        IAmAliveTime = startTime,
    };

    public static SiloAddress Address(int port) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 5);

    /// <summary>Now in UTC, in whole microseconds: what the table keeps, so times read back equal.</summary>
    public static DateTime Now()
    {
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - (now.Ticks % 10), DateTimeKind.Utc);
    }

    public static IEnumerable<int> Ports(MembershipTableData data) => data.Members.Select(member => member.Item1.SiloAddress.Endpoint.Port).Order();
}
