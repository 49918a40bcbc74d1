using System.Net;
using System.Net.Sockets;

namespace Commerce.Testing;

/// <summary>Loopback ports nobody listens on right now, for servers and silos started by tests and benchmarks.</summary>
public static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
