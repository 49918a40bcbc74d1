using Microsoft.Extensions.Primitives;

namespace WebFrontend.Http;

/// <summary>What an If-Match or If-None-Match field holds.</summary>
public enum EntityTagHeaderKind
{
    /// <summary>The field was not sent: there is no condition to evaluate.</summary>
    Absent,

    /// <summary>Not <c>*</c> and not a list of entity-tags: refused with a 400, since any reading of it would be a guess.</summary>
    Malformed,

    /// <summary><c>*</c>: any current representation.</summary>
    Any,

    /// <summary>A list of entity-tags, empty elements skipped; a field of only empty elements is a list that matches nothing.</summary>
    List,
}

/// <summary>One entity-tag of a field: weak or not, and its opaque-tag without the quotes, as a view of the field's text.</summary>
public readonly ref struct EntityTag(bool isWeak, ReadOnlySpan<char> opaque)
{
    public bool IsWeak { get; } = isWeak;

    public ReadOnlySpan<char> Opaque { get; } = opaque;
}

/// <summary>
/// An If-Match or If-None-Match field (RFC 9110 §13.1.1–13.1.2): <c>"*" / #entity-tag</c>, where
/// <c>entity-tag = [ W/ ] DQUOTE *etagc DQUOTE</c> (§8.8.3), over all of the field's lines, since a sender may split a
/// list across repeated lines (§5.3). Parsing only checks the syntax and keeps the lines; the tags are read again, as
/// spans, when compared, so that nothing is allocated.
/// </summary>
public readonly struct EntityTagHeader
{
    private readonly StringValues _lines;

    private EntityTagHeader(EntityTagHeaderKind kind, StringValues lines)
    {
        Kind = kind;
        _lines = lines;
    }

    public EntityTagHeaderKind Kind { get; }

    public static EntityTagHeader Parse(StringValues lines)
    {
        if (lines.Count == 0)
        {
            return new(EntityTagHeaderKind.Absent, default);
        }

        var elements = 0;
        var any = false;
        foreach (var line in lines)
        {
            if (line is null)
            {
                return new(EntityTagHeaderKind.Malformed, default);
            }

            var position = 0;
            do
            {
                if (!TryRead(line, ref position, out var element, out _, out _, out var star))
                {
                    return new(EntityTagHeaderKind.Malformed, default);
                }

                elements += element ? 1 : 0;
                any |= star;
            }
            while (position < line.Length);
        }

        // "*" is the whole field or not there at all: "*" in a list is in neither alternative of the grammar.
        if (any)
        {
            return new(elements == 1 ? EntityTagHeaderKind.Any : EntityTagHeaderKind.Malformed, default);
        }

        return new(EntityTagHeaderKind.List, lines);
    }

    /// <summary>
    /// Whether the field names <paramref name="currentETag"/>, a strong entity-tag as this API sends them (<c>"3"</c>):
    /// by the strong comparison, a weak tag never matches; by the weak one, only the opaque-tags are compared (§8.8.3.2).
    /// <c>*</c> matches: callers ask only about a representation that exists. An absent field matches nothing.
    /// </summary>
    public bool Matches(string currentETag, bool strongComparison)
    {
        ArgumentNullException.ThrowIfNull(currentETag);
        if (Kind == EntityTagHeaderKind.Any)
        {
            return true;
        }

        if (currentETag is not ['"', .., '"'])
        {
            throw new ArgumentException("Not a strong entity-tag.", nameof(currentETag));
        }

        var current = currentETag.AsSpan(1, currentETag.Length - 2);
        foreach (var tag in this)
        {
            if ((!strongComparison || !tag.IsWeak) && tag.Opaque.SequenceEqual(current))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The tags of a list, in order; none for any other kind.</summary>
    public Enumerator GetEnumerator() => new(Kind == EntityTagHeaderKind.List ? _lines : default);

    /// <summary>
    /// Reads the element at <paramref name="position"/> with the whitespace around it and the comma after it; false when
    /// malformed. An empty element (a leading, doubled or trailing comma, a blank line) is read as no element
    /// (<paramref name="element"/> false): RFC 9110 §5.6.1.2 has recipients accept and ignore them.
    /// </summary>
    private static bool TryRead(string line, ref int position, out bool element, out bool weak, out Range opaque, out bool any)
    {
        element = false;
        weak = false;
        opaque = default;
        any = false;
        var i = SkipWhitespace(line, position);
        if (i == line.Length || line[i] == ',')
        {
            position = i == line.Length ? i : i + 1;
            return true;
        }

        element = true;
        if (line[i] == '*')
        {
            any = true;
            i++;
        }
        else
        {
            // %s"W/": the prefix is case-sensitive, and nothing may come between it and the quote.
            if (line.AsSpan(i).StartsWith("W/", StringComparison.Ordinal))
            {
                weak = true;
                i += 2;
            }

            if (i == line.Length || line[i] != '"')
            {
                return false;
            }

            var start = ++i;
            while (i < line.Length && IsEntityTagChar(line[i]))
            {
                i++;
            }

            if (i == line.Length || line[i] != '"')
            {
                return false;
            }

            opaque = start..i;
            i++;
        }

        i = SkipWhitespace(line, i);
        if (i < line.Length)
        {
            if (line[i] != ',')
            {
                return false;
            }

            i++;
        }

        position = i;
        return true;
    }

    /// <summary>
    /// etagc = %x21 / %x23-7E / obs-text: visible ASCII but the quote; no space, no control character. obs-text is the
    /// octets %x80-FF; a server that decodes header bytes as UTF-8 turns them into characters from U+0080 up, so every
    /// such character is taken.
    /// </summary>
    private static bool IsEntityTagChar(char c) => c == '!' || c is >= '#' and <= '~' || c >= '\u0080';

    /// <summary>OWS = *( SP / HTAB ).</summary>
    private static int SkipWhitespace(string line, int i)
    {
        while (i < line.Length && line[i] is ' ' or '\t')
        {
            i++;
        }

        return i;
    }

    /// <summary>Walks a field already found well formed, line by line, element by element.</summary>
    public ref struct Enumerator
    {
        private readonly StringValues _lines;
        private int _line;
        private int _position;

        internal Enumerator(StringValues lines)
        {
            _lines = lines;
        }

        public EntityTag Current { get; private set; }

        public bool MoveNext()
        {
            for (; _line < _lines.Count; _line++, _position = 0)
            {
                var line = _lines[_line]!;
                while (_position < line.Length)
                {
                    TryRead(line, ref _position, out var element, out var weak, out var opaque, out _);
                    if (element)
                    {
                        Current = new EntityTag(weak, line.AsSpan(opaque));
                        return true;
                    }
                }
            }

            return false;
        }
    }
}
