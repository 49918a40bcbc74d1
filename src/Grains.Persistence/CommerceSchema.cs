using Runtime.Schema;

namespace Grains.Persistence;

/// <summary>The commerce tables' migrations, applied by the silos after the runtime's own.</summary>
public static class CommerceSchema
{
    public static MigrationSet Migrations { get; } =
        MigrationSet.FromEmbeddedResources(typeof(CommerceSchema).Assembly, "Grains.Persistence.Migrations.", "commerce");
}
