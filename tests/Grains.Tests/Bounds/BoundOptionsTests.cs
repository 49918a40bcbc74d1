namespace Grains.Tests.Bounds;

/// <summary>The settings of the bounds stop the start when they cannot work (CommerceOptionsValidator, ValidateOnStart).</summary>
public sealed class BoundOptionsTests
{
    [Fact]
    public void The_defaults_are_valid()
        => Assert.Null(new CommerceOptions().Problem());

    [Theory]
    [InlineData(nameof(CommerceOptions.WalletDedupeWindow), "00:00:00")]
    [InlineData(nameof(CommerceOptions.WalletDedupeWindow), "-1.00:00:00")]
    [InlineData(nameof(CommerceOptions.IdempotencyPurgePeriod), "00:00:00.5")]
    [InlineData(nameof(CommerceOptions.IdempotencyPurgeBatchSize), "0")]
    [InlineData(nameof(CommerceOptions.IdempotencyPurgeBatchSize), "100001")]
    public void A_bound_out_of_range_is_a_problem_naming_it(string setting, string value)
    {
        var options = new CommerceOptions();
        var property = typeof(CommerceOptions).GetProperty(setting)!;
        property.SetValue(options, property.PropertyType == typeof(int) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Contains(setting, options.Problem(), StringComparison.Ordinal);
    }
}
