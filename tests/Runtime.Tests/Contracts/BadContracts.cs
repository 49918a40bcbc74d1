using System.Collections.Immutable;
using Runtime.Tests.Grains;

// Grain interfaces that break the contract rules on purpose, to show the validator catches each kind of breach.
// Nothing implements them; the contract scan of real grain interfaces skips this namespace.
namespace Runtime.Tests.Contracts.BadContracts;

public sealed class MutableOrder
{
    public string Id { get; set; } = "";
}

public sealed record Order(string Id, ImmutableArray<OrderLine> Lines, decimal Total, DateTimeOffset CreatedAt, OrderStatus Status, Guid? Coupon);

public sealed record OrderLine(string Sku, int Quantity);

public enum OrderStatus
{
    Pending,
    Paid,
}

public record OpenRecord(string Id);

/// <summary>Serializes its id, but deserialization uses the parameterless constructor and cannot set it.</summary>
public sealed class Lossy
{
    public Lossy()
    {
    }

    public Lossy(string id) => Id = id;

    public string? Id { get; }
}

public struct MutableField
{
    public int Count;
}

public sealed record Wrapper(MutableField Inner);

public interface IMutableArguments : IGrainWithStringKey
{
    Task Place(MutableOrder order);
}

public interface IArrayArguments : IGrainWithStringKey
{
    Task<string[]> Skus();
}

public interface IUnsealedArguments : IGrainWithStringKey
{
    Task Place(OpenRecord order);
}

public interface IInterfaceArguments : IGrainWithStringKey
{
    Task Place(IReadOnlyList<OrderLine> lines);
}

public interface ILossyArguments : IGrainWithStringKey
{
    Task Place(Lossy value);
}

public interface IGrainReferenceArguments : IGrainWithStringKey
{
    Task Link(ITurnGrain other);
}

public interface IValueTaskResult : IGrainWithStringKey
{
    ValueTask<int> Count();
}

public interface INestedMutableArguments : IGrainWithStringKey
{
    Task Place(Wrapper wrapper);
}

public interface IGoodArguments : IGrainWithStringKey
{
    Task<Order> Place(Order order, ImmutableDictionary<string, int> quantities, CancellationToken cancellationToken);
}
