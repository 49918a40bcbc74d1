using Grains.Persistence.Tests.Infrastructure;
using Grains.Products;
using static Grains.Persistence.Tests.Infrastructure.GrainChanges;

namespace Grains.Persistence.Tests.CommerceStorage;

/// <summary>
/// A write sends only what changed since the last one: the stores write child rows from the state's deltas, which the
/// provider clears as soon as the store has taken them. Which rows a write touched is read from their xmin.
/// </summary>
[Collection(SharedSilo.Name)]
public sealed class ChangedRowsTests(SiloOnFreshDatabase silo)
{
    private readonly TypedProvider _storage = new(silo.Services);

    [Fact]
    public async Task A_product_write_with_one_new_hold_inserts_that_hold_row_and_leaves_the_other_holds_untouched()
    {
        var product = await _storage.CreateAsync(StateSamples.Product);
        Hold(product.State, "order-2", 1);
        Hold(product.State, "order-3", 1);
        await product.WriteAsync();
        var before = await StateSamples.Product.FootprintAsync(silo.Database, product.Key);

        Hold(product.State, "order-4", 2);
        await product.WriteAsync();
        var after = await StateSamples.Product.FootprintAsync(silo.Database, product.Key);

        Assert.Equal(4, before.Count);
        Assert.Equal(["products:"], before.Except(after).Select(Table));
        Assert.Equal(["product_holds:order-4:", "products:"], after.Except(before).Select(Table).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_product_write_without_hold_changes_touches_only_the_product_row()
    {
        var product = await _storage.CreateAsync(StateSamples.Product);
        var before = await StateSamples.Product.FootprintAsync(silo.Database, product.Key);

        product.State.Price = 360_000;
        await product.WriteAsync();
        var after = await StateSamples.Product.FootprintAsync(silo.Database, product.Key);

        Assert.Equal(["products:"], after.Except(before).Select(Table));
        Assert.Equal(360_000, (await _storage.ReadAsync<ProductState>(product.Key)).State.Price);
    }

    /// <summary>"table:row:" of a footprint entry, without the xmin.</summary>
    private static string Table(string footprint) => footprint[..(footprint.LastIndexOf(':') + 1)];
}
