using System.Reflection;

namespace Runtime.Schema;

/// <summary>One SQL migration: a stable id (recorded once applied) and its script.</summary>
public sealed record Migration(string Id, string Sql);

/// <summary>
/// The migrations one component contributes, in order. Sets apply in registration order (the runtime's first),
/// and a migration's id is "{source}/{file name}", so components never collide.
/// </summary>
public sealed class MigrationSet(string source, IReadOnlyList<Migration> migrations)
{
    public string Source { get; } = source;

    public IReadOnlyList<Migration> Migrations { get; } = migrations;

    /// <summary>Loads the embedded resources named "{resourcePrefix}*.sql", ordered by name.</summary>
    public static MigrationSet FromEmbeddedResources(Assembly assembly, string resourcePrefix, string source)
    {
        var migrations = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(resourcePrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name =>
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream);
                var fileName = name[resourcePrefix.Length..^".sql".Length];
                return new Migration($"{source}/{fileName}", reader.ReadToEnd());
            })
            .ToList();
        return new MigrationSet(source, migrations);
    }

    internal static MigrationSet Runtime { get; } = FromEmbeddedResources(typeof(MigrationSet).Assembly, "Runtime.Migrations.", "runtime");
}
