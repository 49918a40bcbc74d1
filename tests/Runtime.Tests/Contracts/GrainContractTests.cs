using System.Collections.Immutable;
using Runtime.Contracts;
using Runtime.Tests.Grains;
using Runtime.Tests.Contracts.BadContracts;

namespace Runtime.Tests.Contracts;

public sealed class GrainContractTests
{
    /// <summary>Every grain interface hosted anywhere in the product: add each grain assembly here as it appears.</summary>
    public static TheoryData<string> GrainAssemblies => new() { typeof(ITurnGrain).Assembly.GetName().Name!, typeof(IRemindable).Assembly.GetName().Name! };

    [Theory]
    [MemberData(nameof(GrainAssemblies))]
    public void Every_grain_interface_exchanges_only_immutable_json_round_trippable_values(string assemblyName)
    {
        var assembly = AppDomain.CurrentDomain.GetAssemblies().Single(a => a.GetName().Name == assemblyName);
        var interfaces = assembly.GetTypes()
            .Where(t => t.IsInterface && typeof(IGrain).IsAssignableFrom(t) && t.Namespace != typeof(IMutableArguments).Namespace)
            .ToList();

        Assert.NotEmpty(interfaces);
        Assert.Empty(GrainContractValidator.Validate(interfaces));
    }

    [Theory]
    [InlineData(typeof(IMutableArguments), "public setter")]
    [InlineData(typeof(IArrayArguments), "array")]
    [InlineData(typeof(IUnsealedArguments), "not sealed")]
    [InlineData(typeof(IInterfaceArguments), "not a concrete data type")]
    [InlineData(typeof(ILossyArguments), "round trip")]
    [InlineData(typeof(IGrainReferenceArguments), "grain reference")]
    [InlineData(typeof(IValueTaskResult), "returns ValueTask")]
    [InlineData(typeof(INestedMutableArguments), "writable field")]
    public void A_contract_breach_is_reported(Type grainInterface, string expected)
    {
        var violations = GrainContractValidator.Validate([grainInterface]);

        Assert.Contains(violations, v => v.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Immutable_records_and_collections_pass()
        => Assert.Empty(GrainContractValidator.Validate([typeof(IGoodArguments)]));
}
