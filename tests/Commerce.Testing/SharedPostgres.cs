namespace Commerce.Testing;

/// <summary>
/// One throwaway PostgreSQL server for the whole test run, started on first use and stopped when the test process
/// exits. Each test takes its own database from it, so tests stay independent and can run in parallel.
/// </summary>
public static class SharedPostgres
{
    private static readonly Lazy<Task<PostgresServer>> s_server = new(StartAsync);

    public static async Task<string> CreateDatabaseAsync() => await (await s_server.Value).CreateDatabaseAsync();

    /// <summary>The server itself, for tests that need more than a fresh database.</summary>
    public static Task<PostgresServer> ServerAsync() => s_server.Value;

    private static async Task<PostgresServer> StartAsync()
    {
        var server = await PostgresServer.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server;
    }
}
