using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WebFrontend.Features.Orders;
using WebFrontend.Http;

namespace WebFrontend.Tests;

/// <summary>What a front end remembers of products without a flash sale, so that their orders skip the admission call.</summary>
public sealed class ProductsWithoutSaleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero));

    private ProductsWithoutSale Memory(TimeSpan memory) => new(Options.Create(new FrontendOptions { SaleAdmissionMemory = memory }), _time);

    [Fact]
    public void A_product_heard_without_a_sale_is_known_for_the_memory_and_then_asked_again()
    {
        var products = Memory(TimeSpan.FromSeconds(2));
        products.Remember("sku-1");

        Assert.True(products.IsKnown("sku-1"));
        Assert.False(products.IsKnown("sku-2"));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(products.IsKnown("sku-1"));
    }

    [Fact]
    public void With_no_memory_every_product_is_asked()
    {
        var products = Memory(TimeSpan.Zero);
        products.Remember("sku-1");

        Assert.False(products.IsKnown("sku-1"));
    }
}
