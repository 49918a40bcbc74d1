namespace Commerce.Testing;

/// <summary>
/// One throwaway RabbitMQ node for the whole test run, started on first use and stopped when the test process exits.
/// Tests share its default virtual host and stay independent by naming their own exchanges and queues
/// (<see cref="RabbitMqServer.UniqueName"/>). A test that stops or kills the broker starts a
/// <see cref="RabbitMqServer"/> of its own instead, so other tests never see it go.
/// </summary>
public static class SharedRabbitMq
{
    private static readonly Lazy<Task<RabbitMqServer>> s_server = new(StartAsync);

    public static Task<RabbitMqServer> ServerAsync() => s_server.Value;

    public static async Task<Uri> UriAsync() => (await s_server.Value).Uri;

    private static async Task<RabbitMqServer> StartAsync()
    {
        var server = await RabbitMqServer.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server;
    }
}
