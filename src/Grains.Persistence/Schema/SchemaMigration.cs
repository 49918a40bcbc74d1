namespace Grains.Persistence.Schema;

/// <summary>
/// Migrates the schema as the silo starts, before anything else in its lifecycle: Orleans' membership, reminder and
/// storage providers read their queries from the database, so they must find them there.
/// </summary>
internal sealed class SchemaMigration(SchemaMigrator migrator) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle)
        => lifecycle.Subscribe(nameof(SchemaMigration), ServiceLifecycleStage.First, cancellationToken => migrator.MigrateAsync(cancellationToken: cancellationToken));
}
