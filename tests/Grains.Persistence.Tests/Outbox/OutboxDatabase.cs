using Commerce.Testing;
using Grains.Persistence.Outbox;
using Grains.Persistence.Schema;
using Grains.Persistence.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Grains.Persistence.Tests.Outbox;

/// <summary>A migrated database with no silo (so no relay) on it: the test alone claims its outbox rows.</summary>
public sealed class OutboxDatabase : IAsyncLifetime
{
    private NpgsqlDataSource? _database;

    public NpgsqlDataSource Database => _database ?? throw new InvalidOperationException("Not started.");

    public PostgresOutboxStore Store => new(Database);

    public async Task InitializeAsync()
    {
        _database = NpgsqlDataSource.Create(await SharedPostgres.CreateDatabaseAsync());
        await new SchemaMigrator(_database, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    /// <summary>Writes an event as a grain's write would; answers its id.</summary>
    public async Task<Guid> WriteAsync(string aggregateId, string type = "order.paid", DateTimeOffset? occurredAt = null)
    {
        var id = Guid.CreateVersion7();
        await Database.ExecuteAsync(
            "INSERT INTO outbox (id, dedupe_key, aggregate_type, aggregate_id, event_type, payload, occurred_at) VALUES ($1, $2, 'order', $3, $4, '{\"n\": 1}', $5)",
            id, $"{type}:{id}", aggregateId, type, occurredAt ?? DateTimeOffset.UtcNow);
        return id;
    }
}
