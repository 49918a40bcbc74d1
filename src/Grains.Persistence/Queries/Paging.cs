namespace Grains.Persistence.Queries;

internal static class Paging
{
    /// <summary>Queries fetch one row more than the page: if it came, there is a next page, starting after the page's last item.</summary>
    public static ListPage<TItem, TPosition> Page<TItem, TPosition>(List<TItem> fetched, int limit, Func<TItem, TPosition> positionOf)
        where TPosition : class
    {
        if (fetched.Count <= limit)
        {
            return new ListPage<TItem, TPosition>(fetched, null);
        }

        fetched.RemoveRange(limit, fetched.Count - limit);
        return new ListPage<TItem, TPosition>(fetched, positionOf(fetched[^1]));
    }
}
