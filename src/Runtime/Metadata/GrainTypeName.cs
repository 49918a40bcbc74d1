using System.Reflection;
using System.Text;

namespace Runtime.Metadata;

/// <summary>Derives the persisted grain type name from a grain interface.</summary>
internal static class GrainTypeName
{
    public static string For(Type grainInterface)
    {
        var attribute = grainInterface.GetCustomAttribute<GrainTypeAttribute>(inherit: false);
        var name = attribute?.Name ?? FromInterfaceName(grainInterface.Name);
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.' or '_'))
        {
            throw new InvalidOperationException(
                $"Grain type name '{name}' of {grainInterface.FullName} must be non-empty lower-case ASCII letters, digits, '-', '.' or '_'.");
        }

        return name;
    }

    /// <summary><c>IHotProductGrain</c> → <c>hot-product</c>.</summary>
    private static string FromInterfaceName(string name)
    {
        if (name.Length > 1 && name[0] == 'I' && char.IsUpper(name[1]))
        {
            name = name[1..];
        }

        if (name.Length > "Grain".Length && name.EndsWith("Grain", StringComparison.Ordinal))
        {
            name = name[..^"Grain".Length];
        }

        var kebab = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var startsWord = char.IsUpper(c) && i > 0
                && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1])));
            if (startsWord)
            {
                kebab.Append('-');
            }

            kebab.Append(char.ToLowerInvariant(c));
        }

        return kebab.ToString();
    }
}
