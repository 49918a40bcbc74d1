using System.Reflection;

namespace Grains.Persistence.Schema;

/// <summary>One SQL migration: a stable id (recorded once applied) and its script.</summary>
public sealed record Migration(string Id, string Sql)
{
    /// <summary>
    /// The product's migrations, in order: Orleans' provider tables and queries first (silos read them to start), then
    /// the commerce tables. Embedded from Migrations/*.sql; the file name is the id.
    /// </summary>
    public static IReadOnlyList<Migration> All { get; } = Load(typeof(Migration).Assembly, "Grains.Persistence.Migrations.");

    private static List<Migration> Load(Assembly assembly, string resourcePrefix)
        => [.. assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(resourcePrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name =>
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream);
                return new Migration(name[resourcePrefix.Length..^".sql".Length], reader.ReadToEnd());
            })];
}
