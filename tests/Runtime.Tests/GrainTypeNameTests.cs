using Runtime.Metadata;

namespace Runtime.Tests;

public sealed class GrainTypeNameTests
{
    [Theory]
    [InlineData(typeof(IHotProductGrain), "hot-product")]
    [InlineData(typeof(IHTTPGatewayGrain), "http-gateway")]
    [InlineData(typeof(IOrder), "order")]
    [InlineData(typeof(INamedGrain), "payments.v2")]
    public void Grain_type_names_come_from_the_attribute_or_the_interface_name(Type grainInterface, string expected)
        => Assert.Equal(expected, GrainTypeName.For(grainInterface));

    [Fact]
    public void An_invalid_explicit_name_is_rejected()
        => Assert.Throws<InvalidOperationException>(() => GrainTypeName.For(typeof(IBadlyNamedGrain)));

    public interface IHotProductGrain : IGrainWithStringKey;

    public interface IHTTPGatewayGrain : IGrainWithStringKey;

    public interface IOrder : IGrainWithStringKey;

    [GrainType("payments.v2")]
    public interface INamedGrain : IGrainWithStringKey;

    [GrainType("Has/Slash")]
    public interface IBadlyNamedGrain : IGrainWithStringKey;
}
