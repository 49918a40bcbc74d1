using System.Text.Json;
using Grains.Orders;
using Grains.Products;
using Runtime.Hosting;
using Runtime.Storage;

namespace Grains.Persistence.Queries;

/// <summary>
/// Lists for the embedded development host, whose states live as JSON in memory: each page scans and sorts them.
/// Same contract as the PostgreSQL queries (keyset positions, filters), none of their cost model.
/// </summary>
public sealed class InMemoryQueries(InMemoryGrainStorage storage) : IProductQueries, IOrderQueries
{
    public Task<ListPage<ProductSummary, ProductPosition>> ListAsync(ProductListRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var products = States<ProductState>("product")
            .Where(p => p.State.Exists)
            .Select(p => new ProductSummary(p.Id, p.State.Name, p.State.Price, p.State.Available, p.State.Version))
            .Where(p => request.Search is null || p.Name.Contains(request.Search, StringComparison.OrdinalIgnoreCase));
        var sorted = request.Sort switch
        {
            ProductSort.Price => products.OrderBy(p => p.Price).ThenBy(p => p.Id, StringComparer.Ordinal),
            ProductSort.PriceDescending => products.OrderByDescending(p => p.Price).ThenByDescending(p => p.Id, StringComparer.Ordinal),
            _ => products.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Id, StringComparer.Ordinal),
        };
        var page = sorted.Where(p => request.After is not { } after || IsAfter(p, after, request.Sort)).Take(request.Limit + 1).ToList();
        return Task.FromResult(Paging.Page(page, request.Limit, last => new ProductPosition(last.Name, last.Price, last.Id)));
    }

    public Task<ListPage<OrderSummary, OrderPosition>> ListAsync(OrderListRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var page = States<OrderState>("order")
            .Where(o => o.State.Exists)
            .Select(o => new OrderSummary(o.Id, o.State.CustomerId, o.State.CustomerName, o.State.Status, o.State.Total, o.State.Items.Count, o.State.CreatedAt))
            .Where(o => (request.Status is null || o.Status == request.Status)
                && (request.CustomerId is null || o.CustomerId == request.CustomerId)
                && (request.CreatedFrom is null || o.CreatedAt >= request.CreatedFrom)
                && (request.CreatedTo is null || o.CreatedAt < request.CreatedTo)
                && (request.After is not { } after || o.CreatedAt < after.CreatedAt || (o.CreatedAt == after.CreatedAt && string.CompareOrdinal(o.Id, after.Id) < 0)))
            .OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id, StringComparer.Ordinal)
            .Take(request.Limit + 1)
            .ToList();
        return Task.FromResult(Paging.Page(page, request.Limit, last => new OrderPosition(last.CreatedAt, last.Id)));
    }

    private static bool IsAfter(ProductSummary product, ProductPosition after, ProductSort sort) => sort switch
    {
        ProductSort.Price => product.Price > after.Price || (product.Price == after.Price && string.CompareOrdinal(product.Id, after.Id) > 0),
        ProductSort.PriceDescending => product.Price < after.Price || (product.Price == after.Price && string.CompareOrdinal(product.Id, after.Id) < 0),
        _ => string.CompareOrdinal(product.Name, after.Name) is var byName && (byName > 0 || (byName == 0 && string.CompareOrdinal(product.Id, after.Id) > 0)),
    };

    private IEnumerable<(string Id, TState State)> States<TState>(string grainType) where TState : class, new()
        => storage.Records(grainType).Select(record => (record.Key.GrainKey, JsonSerializer.Deserialize<TState>(record.State.Json, RuntimeJson.DefaultOptions) ?? new TState()));
}
