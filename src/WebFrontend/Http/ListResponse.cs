namespace WebFrontend.Http;

/// <summary>Every list answers <c>{ "items": [...], "next_cursor": "…" | null }</c>.</summary>
public sealed record ListResponse<T>(IReadOnlyList<T> Items, string? NextCursor);
