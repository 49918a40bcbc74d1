using Microsoft.Extensions.Primitives;
using WebFrontend.Http;

namespace WebFrontend.Tests;

/// <summary>
/// If-Match and If-None-Match as RFC 9110 writes them (§13.1.1–13.1.2, entity-tag §8.8.3): every well-formed value is
/// read, tag by tag; anything else is malformed. Field lines are given separated by "\n", which no header value holds.
/// </summary>
public sealed class EntityTagHeaderTests
{
    [Theory]
    // "*" alone, whitespace around it allowed.
    [InlineData("*", "*")]
    [InlineData(" *\t", "*")]
    // One tag: strong, weak, empty, any etagc (%x21 / %x23-7E), obs-text, a comma or "W/" inside the quotes.
    [InlineData("\"1\"", "\"1\"")]
    [InlineData("W/\"1\"", "W/\"1\"")]
    [InlineData("\"\"", "\"\"")]
    [InlineData("\"abc\"", "\"abc\"")]
    [InlineData("\"!#$%&'()*+-./09:;<=>?@AZ[\\]^_`az{|}~\"", "\"!#$%&'()*+-./09:;<=>?@AZ[\\]^_`az{|}~\"")]
    [InlineData("\"caf\u00e9\u20ac\"", "\"caf\u00e9\u20ac\"")]
    [InlineData("\"a,b\"", "\"a,b\"")]
    [InlineData("\"W/\"", "\"W/\"")]
    // Lists, with optional whitespace (SP, HTAB) around the commas and the field.
    [InlineData("\"1\",W/\"2\",\"3\"", "\"1\" W/\"2\" \"3\"")]
    [InlineData("  \"1\" ,\t\"2\" , W/\"3\"  ", "\"1\" \"2\" W/\"3\"")]
    [InlineData("\"1\", \"1\"", "\"1\" \"1\"")]
    // One list over repeated field lines.
    [InlineData("\"1\"\nW/\"2\"", "\"1\" W/\"2\"")]
    [InlineData("\"1\", \"2\"\n\"3\"\n W/\"4\" ", "\"1\" \"2\" \"3\" W/\"4\"")]
    // Unbalanced quotes and bare tokens.
    [InlineData("\"1", null)]
    [InlineData("1\"", null)]
    [InlineData("1", null)]
    [InlineData("abc", null)]
    [InlineData("\"a\"b\"", null)]
    [InlineData("\"1\", \"2", null)]
    // The weak prefix: upper-case W, then the quote at once.
    [InlineData("w/\"1\"", null)]
    [InlineData("W/ \"1\"", null)]
    [InlineData("W/1", null)]
    [InlineData("W/", null)]
    [InlineData("W/*", null)]
    // Tags not separated by a comma.
    [InlineData("\"1\"\"2\"", null)]
    [InlineData("\"1\" \"2\"", null)]
    [InlineData("\"1\"W/\"2\"", null)]
    // Empty elements are skipped (RFC 9110 §5.6.1.2); a field of only empty elements is a list of no tag.
    [InlineData("", "")]
    [InlineData("  ", "")]
    [InlineData(",", "")]
    [InlineData(",\"1\"", "\"1\"")]
    [InlineData("\"1\",", "\"1\"")]
    [InlineData("\"1\", ", "\"1\"")]
    [InlineData("\"1\",,\"2\"", "\"1\" \"2\"")]
    [InlineData("\"1\", ,\"2\"", "\"1\" \"2\"")]
    [InlineData("\"1\"\n", "\"1\"")]
    [InlineData("*,", "*")]
    // Space and control characters inside the quotes.
    [InlineData("\"a b\"", null)]
    [InlineData("\"a\tb\"", null)]
    [InlineData("\"a\u0001b\"", null)]
    [InlineData("\"a\u007fb\"", null)]
    [InlineData("\"a\u0000b\"", null)]
    // "*" is the whole field or nothing.
    [InlineData("*, \"1\"", null)]
    [InlineData("\"1\", *", null)]
    [InlineData("*\n\"1\"", null)]
    [InlineData("*\n*", null)]
    [InlineData("**", null)]
    [InlineData("*\"1\"", null)]
    public void A_field_is_star_a_list_of_tags_or_malformed(string field, string? expected)
    {
        var header = EntityTagHeader.Parse(new StringValues(field.Split('\n')));

        Assert.Equal(expected ?? "malformed", Describe(header));
    }

    [Fact]
    public void No_field_line_is_absent_and_matches_nothing()
    {
        var header = EntityTagHeader.Parse(StringValues.Empty);

        Assert.Equal(EntityTagHeaderKind.Absent, header.Kind);
        Assert.False(header.Matches("\"1\"", strongComparison: false));
    }

    [Fact]
    public void A_null_field_line_is_malformed()
    {
        Assert.Equal(EntityTagHeaderKind.Malformed, EntityTagHeader.Parse(new StringValues([null])).Kind);
    }

    [Theory]
    // Strong comparison: both strong, same opaque-tag, character for character.
    [InlineData("\"3\"", true, true)]
    [InlineData("W/\"3\"", true, false)]
    [InlineData("\"03\"", true, false)]
    [InlineData("\"4\"", true, false)]
    [InlineData("\"x\", W/\"3\"", true, false)]
    [InlineData("\"x\", \"3\"", true, true)]
    [InlineData("\"x\"\n\"3\"", true, true)]
    [InlineData("*", true, true)]
    // Weak comparison: the opaque-tags alone.
    [InlineData("\"3\"", false, true)]
    [InlineData("W/\"3\"", false, true)]
    [InlineData("\"x\", W/\"3\"", false, true)]
    [InlineData("\"4\", W/\"5\"", false, false)]
    [InlineData("\"\"", false, false)]
    [InlineData("*", false, true)]
    public void Matches_the_current_tag_by_the_comparison_asked_for(string field, bool strong, bool expected)
    {
        var header = EntityTagHeader.Parse(new StringValues(field.Split('\n')));

        Assert.Equal(expected, header.Matches("\"3\"", strong));
    }

    [Theory]
    [InlineData("\"3\"", 3L)]
    [InlineData("\"0\"", 0L)]
    [InlineData("\"9223372036854775807\"", long.MaxValue)]
    [InlineData("\"abc\", \"3\", W/\"4\"", 3L)]
    [InlineData("\"3\"\n\"3\"", 3L)]
    [InlineData("\"3\", \"4\"", null)]
    [InlineData("W/\"3\"", null)]
    [InlineData("\"03\"", null)]
    [InlineData("\"-3\"", null)]
    [InlineData("\"+3\"", null)]
    [InlineData("\"9223372036854775808\"", null)]
    [InlineData("\"\"", null)]
    [InlineData("*", null)]
    public void The_only_version_an_if_match_list_can_match(string field, long? expected)
    {
        Assert.Equal(expected, EntityTags.OnlyVersion(EntityTagHeader.Parse(new StringValues(field.Split('\n')))));
    }

    /// <summary>"*", the tags one after another as they were read, or the kind.</summary>
    private static string Describe(EntityTagHeader header)
    {
        if (header.Kind != EntityTagHeaderKind.List)
        {
            return header.Kind switch
            {
                EntityTagHeaderKind.Any => "*",
                EntityTagHeaderKind.Malformed => "malformed",
                _ => "absent",
            };
        }

        var tags = new List<string>();
        foreach (var tag in header)
        {
            tags.Add((tag.IsWeak ? "W/\"" : "\"") + tag.Opaque.ToString() + "\"");
        }

        return string.Join(' ', tags);
    }
}
