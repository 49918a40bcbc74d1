using System.Reflection;
using Grains.Products;
using Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Grains.Tests.Contracts;

/// <summary>
/// Everything that crosses a grain boundary has an Orleans codec generated for it and a stable name: grain interfaces
/// and their methods carry [Alias], the records and enums they exchange [GenerateSerializer] and [Alias], records are
/// [Immutable] (no defensive copies), and a value with every member set survives Orleans' serializer unchanged.
/// </summary>
public sealed class SerializationContractTests
{
    private static readonly Assembly s_abstractions = typeof(IProductGrain).Assembly;

    private static readonly Serializer s_serializer = new ServiceCollection()
        .AddSerializer(builder => builder.AddAssembly(s_abstractions).AddAssembly(typeof(GroupCommitFailedException).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    public static TheoryData<Type> GrainInterfaces => [.. GrainContract.GrainInterfaces(s_abstractions)];

    public static TheoryData<Type> ExchangedTypes => [.. GrainContract.ExchangedTypes(GrainContract.GrainInterfaces(s_abstractions))];

    [Fact]
    public void The_abstractions_declare_every_commerce_grain()
        => Assert.Equal(
            ["ICouponGrain", "ICustomerGrain", "IExportJobGrain", "IIdempotencyGrain", "IOrderGrain", "IPaymentGrain", "IProductGrain", "IUploadGrain", "IWalletGrain"],
            GrainContract.GrainInterfaces(s_abstractions).Select(t => t.Name).Order());

    [Theory]
    [MemberData(nameof(GrainInterfaces))]
    public void A_grain_interface_and_each_of_its_methods_have_an_alias(Type grainInterface)
    {
        Assert.NotNull(grainInterface.GetCustomAttribute<AliasAttribute>());
        Assert.All(grainInterface.GetMethods(), method => Assert.NotNull(method.GetCustomAttribute<AliasAttribute>()));
    }

    [Theory]
    [MemberData(nameof(ExchangedTypes))]
    public void An_exchanged_type_has_a_generated_codec_and_an_alias_and_a_record_is_immutable(Type type)
    {
        Assert.NotNull(type.GetCustomAttribute<GenerateSerializerAttribute>());
        Assert.NotNull(type.GetCustomAttribute<AliasAttribute>());
        if (!type.IsEnum)
        {
            Assert.NotNull(type.GetCustomAttribute<ImmutableAttribute>());
        }
    }

    [Theory]
    [MemberData(nameof(ExchangedTypes))]
    public void An_exchanged_value_round_trips_through_orleans_serializer(Type type)
    {
        var value = SampleValues.Create(type, depth: 0);

        var copy = s_serializer.Deserialize<object>(s_serializer.SerializeToArray<object>(value!));

        Assert.IsType(type, copy);
        Assert.Equivalent(value, copy, strict: true);
    }

    [Fact]
    public void The_group_commit_failure_crosses_a_grain_boundary_with_its_message()
    {
        var failure = new GroupCommitFailedException(GrainId.Create("product", "sku-1"), new IOException("disk"));

        var copy = s_serializer.Deserialize<Exception>(s_serializer.SerializeToArray<Exception>(failure));

        Assert.IsType<GroupCommitFailedException>(copy);
        Assert.Equal(failure.Message, copy.Message);
    }
}
